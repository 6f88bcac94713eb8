"""A loopback fake of Discord's REST API and gateway, for running the real discord.py client
in tests: it records every call, answers the routes Cohort uses, validates command
registrations like Discord does, injects interactions, and fails on demand."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

API = "/api/v10"
TOKEN = "fake-bot-token"
APPLICATION_ID = 1_100_000_000_000_000_001
BOT_ID = APPLICATION_ID
GUILD_ID = 1_100_000_000_000_000_002
CHANNEL_ID = 1_100_000_000_000_000_003
OWNER_ID = 1_100_000_000_000_000_004
MEMBER_ID = 1_100_000_000_000_000_005
TIMESTAMP = "2026-11-29T15:00:00.000000+00:00"

DROP = 0  # a "status" for fail(): close the connection without answering
NONCE_WINDOW = 300.0  # seconds a nonce is remembered by default
MANAGE_GUILD = 1 << 5
ADMINISTRATOR = 1 << 3
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content
EPHEMERAL = 1 << 6

# Interaction types and the callback types Discord accepts for them.
APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
MESSAGE_RESPONSE, DEFERRED, AUTOCOMPLETE_RESULT, MODAL = 4, 5, 8, 9

# What Discord accepts as the answer to each kind of interaction (no modal for a modal).
_ANSWERS = {
    APPLICATION_COMMAND: (MESSAGE_RESPONSE, DEFERRED, MODAL),
    COMPONENT: (MESSAGE_RESPONSE, DEFERRED, 6, 7, MODAL),
    AUTOCOMPLETE: (AUTOCOMPLETE_RESULT,),
    MODAL_SUBMIT: (MESSAGE_RESPONSE, DEFERRED, 6, 7),
}

# Component types of the selects Cohort sends.
STRING_SELECT, CHANNEL_SELECT = 3, 8

# Option types.
SUBCOMMAND, STRING, INTEGER, BOOLEAN, USER, CHANNEL = 1, 3, 4, 5, 6, 7

_NAME = re.compile(r"^[-_a-z0-9]{1,32}$")


@dataclass
class Call:
    """One HTTP request the client made."""

    method: str
    path: str  # without the API prefix
    query: dict[str, str]
    body: Any  # the JSON body, or the `payload_json` part of a multipart body
    files: list[str]  # names of attached files
    authorized: bool  # carried the bot token
    at: float  # time.monotonic() when it arrived


@dataclass
class Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    times: int
    retry_after: float | None
    code: int | None
    commit: bool  # carry the request out, then answer with the failure (a lost response)
    via: bool  # a 429 from Discord has a Via header; one from Cloudflare does not
    skip: int = 0  # matching requests to let through first


@dataclass
class _Connection:
    ws: web.WebSocketResponse
    shard: tuple[int, int] = (0, 1)
    sequence: itertools.count[int] = field(default_factory=lambda: itertools.count(1))


def _json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    # discord.py decodes a body only when the Content-Type is exactly application/json.
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def _error(status: int, code: int, message: str) -> web.Response:
    return _json({"code": code, "message": message}, status)


def _component(message: Mapping[str, Any], custom_id: str) -> dict[str, Any]:
    for row in message.get("components") or []:
        for component in row.get("components", []):
            if component.get("custom_id") == custom_id:
                return dict(component)
    raise AssertionError(f"no component {custom_id} in the message")


def user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name.title(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def _validation_errors(commands: list[dict[str, Any]]) -> list[str]:
    """What Discord would reject in a bulk overwrite of application commands."""
    problems: list[str] = []
    if len(commands) > 100:
        problems.append("more than 100 commands")

    def check_options(where: str, options: list[dict[str, Any]], depth: int) -> None:
        if len(options) > 25:
            problems.append(f"{where}: more than 25 options")
        seen_optional = False
        for option in options:
            name = option.get("name", "")
            here = f"{where} {name}"
            if not _NAME.match(name):
                problems.append(f"{here}: invalid name")
            if not 1 <= len(option.get("description", "")) <= 100:
                problems.append(f"{here}: description must be 1-100 characters")
            if option["type"] in (SUBCOMMAND, 2):
                if depth >= 2:
                    problems.append(f"{here}: nested too deeply")
                check_options(here, option.get("options", []), depth + 1)
                continue
            if option.get("required"):
                if seen_optional:
                    problems.append(f"{here}: required option after an optional one")
            else:
                seen_optional = True
            choices = option.get("choices") or []
            if len(choices) > 25:
                problems.append(f"{here}: more than 25 choices")
            if choices and option.get("autocomplete"):
                problems.append(f"{here}: choices and autocomplete together")
            if option.get("autocomplete") and option["type"] not in (STRING, INTEGER, 10):
                problems.append(f"{here}: autocomplete on a type that cannot have it")
            for choice in choices:
                if not 1 <= len(choice["name"]) <= 100 or len(str(choice["value"])) > 100:
                    problems.append(f"{here}: choice too long")
            max_length = option.get("max_length")
            if max_length is not None and not 1 <= max_length <= 6000:
                problems.append(f"{here}: max_length out of range")

    names = [c.get("name") for c in commands]
    if len(names) != len(set(names)):
        problems.append("duplicate command names")
    for command in commands:
        name = command.get("name", "")
        if not _NAME.match(name):
            problems.append(f"{name}: invalid name")
        if not 1 <= len(command.get("description", "")) <= 100:
            problems.append(f"{name}: description must be 1-100 characters")
        check_options(name, command.get("options", []), 0)
    return problems


# Component types a modal may hold, and what each may wrap.
TEXT_INPUT, TEXT_DISPLAY, LABEL = 4, 10, 18


def _modal_errors(data: Mapping[str, Any]) -> list[str]:
    """What Discord would reject in a modal: at most five top-level components, each a text
    display or a label (text up to 45 characters) around one text input or string select; a
    string select with 1-25 options (labels and values up to 100 characters, at most one
    default when one value can be chosen) and min/max values it can satisfy."""
    problems: list[str] = []
    if not 1 <= len(data.get("title") or "") <= 45:
        problems.append("title must be 1-45 characters")
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        problems.append("a modal holds 1-5 components")
    ids: list[str] = []
    for top in components:
        if top.get("type") == TEXT_DISPLAY:
            continue
        if top.get("type") != LABEL:
            problems.append(f"component type {top.get('type')} is not allowed in a modal")
            continue
        if not 1 <= len(top.get("label") or "") <= 45:
            problems.append("a label's text must be 1-45 characters")
        inner = top.get("component") or {}
        ids.append(str(inner.get("custom_id")))
        if inner.get("type") == STRING_SELECT:
            options = inner.get("options") or []
            low, high = inner.get("min_values", 1), inner.get("max_values", 1)
            if not 1 <= len(options) <= 25:
                problems.append("a string select has 1-25 options")
            if not 0 <= low <= high <= len(options):
                problems.append("a select's min and max values cannot be met")
            if low == 0 and inner.get("required", True):
                problems.append("a required select must ask for a value")
            if high == 1 and sum(bool(o.get("default")) for o in options) > 1:
                problems.append("more than one default in a single select")
            for option in options:
                if not 1 <= len(option.get("label", "")) <= 100:
                    problems.append("an option label must be 1-100 characters")
                if not 1 <= len(option.get("value", "")) <= 100:
                    problems.append("an option value must be 1-100 characters")
        elif inner.get("type") != TEXT_INPUT:
            problems.append(f"a label cannot hold component type {inner.get('type')}")
    if len(ids) != len(set(ids)):
        problems.append("duplicate custom ids")
    return problems


class FakeDiscord:
    """Start with `await fake.start()`; point discord.py at `api_url` and `gateway_url`."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.identifies: list[dict[str, Any]] = []
        self.commands: dict[int | None, list[dict[str, Any]]] = {}  # guild id or None (global)
        self.messages: dict[int, list[dict[str, Any]]] = {CHANNEL_ID: []}
        self.deleted: list[dict[str, Any]] = []  # messages deleted, as they were
        self.threads: dict[int, dict[str, Any]] = {}
        self.thread_members: dict[int, set[int]] = {}
        self.dm_channels: dict[int, int] = {}  # user id -> DM channel id
        self.closed_dms: set[int] = set()
        self.gone_members: set[int] = set()
        self.no_threads: set[int] = set()  # channels where private threads are refused
        self.failures: list[Failure] = []
        self.in_guild = True  # False: the bot is in no server until `join()`
        self._ids = itertools.count(1_200_000_000_000_000_000)
        self._interactions: dict[str, dict[str, Any]] = {}  # token -> interaction payload
        self._originals: dict[str, dict[str, Any]] = {}  # token -> original response message
        self._acknowledged: set[str] = set()
        self.modals: list[dict[str, Any]] = []  # every modal shown, as Discord received it
        # Like Discord, a nonce is remembered for a while only (a few minutes there).
        self.nonce_window = NONCE_WINDOW
        self._nonces: dict[tuple[int, str], tuple[float, dict[str, Any]]] = {}
        self._connections: list[_Connection] = []
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # Lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        for connection in list(self._connections):
            await connection.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def connections(self) -> int:
        """Open gateway connections that have identified."""
        return len(self._connections)

    def next_id(self) -> int:
        return next(self._ids)

    # Control ----------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        path: str,
        status: int,
        *,
        times: int = 1,
        retry_after: float | None = None,
        code: int | None = None,
        commit: bool = False,
        via: bool = True,
        skip: int = 0,
    ) -> None:
        """Answer the next `times` requests matching `method` and the `path` regex (after
        letting `skip` through) with `status` (DROP: close the connection); with `commit`,
        carry each out first (Discord did it, the answer was lost)."""
        self.failures.append(
            Failure(method, re.compile(path), status, times, retry_after, code, commit, via, skip)
        )

    # Observation ------------------------------------------------------------------------

    def calls_to(self, method: str, path: str) -> list[Call]:
        pattern = re.compile(path)
        return [c for c in self.calls if c.method == method and pattern.fullmatch(c.path)]

    async def wait_for(
        self, predicate: Callable[[], bool], seconds: float = 10.0, what: str = "condition"
    ) -> None:
        """Wait until `predicate()` holds; fail the test after `seconds`."""
        try:
            async with asyncio.timeout(seconds):
                while not predicate():
                    changed = self._changed
                    await changed.wait()
        except TimeoutError:
            raise AssertionError(f"the fake Discord never saw: {what}") from None

    async def wait_connected(self, shards: int = 1) -> None:
        await self.wait_for(lambda: len(self.identifies) >= shards, what=f"{shards} IDENTIFY")

    def replies(self, interaction: Mapping[str, Any]) -> list[Call]:
        """Every call answering an interaction: its callback, edits and follow-ups."""
        token = interaction["token"]
        return [c for c in self.calls if f"/{token}" in c.path]

    async def answers(
        self, interaction: Mapping[str, Any], count: int = 1, seconds: float = 10.0
    ) -> list[Call]:
        """Wait for `count` answers to an interaction and return all of them."""
        data = interaction["data"]
        what = f"{count} answer(s) to {data.get('name') or data.get('custom_id')}"
        await self.wait_for(lambda: len(self.replies(interaction)) >= count, seconds, what)
        return self.replies(interaction)

    def original(self, interaction: Mapping[str, Any]) -> dict[str, Any]:
        """The message an interaction's response created (as last edited)."""
        return self._originals[interaction["token"]]

    def _touch(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    # Gateway ----------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        connection = _Connection(ws)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41250}})
        try:
            async for frame in ws:
                if frame.type is not WSMsgType.TEXT:
                    continue
                message = json.loads(frame.data)
                if message["op"] == 1:
                    await ws.send_json({"op": 11})
                elif message["op"] == 2:
                    await self._identify(connection, message["d"])
        finally:
            if connection in self._connections:
                self._connections.remove(connection)
            self._touch()
        return ws

    async def _identify(self, connection: _Connection, identify: dict[str, Any]) -> None:
        redacted = {k: v for k, v in identify.items() if k != "token"}
        redacted["token_ok"] = identify.get("token") == TOKEN
        self.identifies.append(redacted)
        shard = identify.get("shard") or [0, 1]
        connection.shard = (shard[0], shard[1])
        owns_guild = self.in_guild and (GUILD_ID >> 22) % shard[1] == shard[0]
        await self._send(
            connection,
            "READY",
            {
                "v": 10,
                "user": user(BOT_ID, "cohort", bot=True),
                "guilds": [{"id": str(GUILD_ID), "unavailable": True}] if owns_guild else [],
                "session_id": f"session-{shard[0]}",
                "resume_gateway_url": self.gateway_url,
                "shard": list(shard),
                "application": {"id": str(APPLICATION_ID), "flags": 0},
            },
        )
        if owns_guild:
            await self._send(connection, "GUILD_CREATE", self._guild())
        self._connections.append(connection)
        self._touch()

    async def _send(self, connection: _Connection, event: str, data: Any) -> None:
        await connection.ws.send_json(
            {"op": 0, "t": event, "s": next(connection.sequence), "d": data}
        )

    def _guild(self) -> dict[str, Any]:
        return {
            "id": str(GUILD_ID),
            "name": "AI Study Group",
            "icon": None,
            "owner_id": str(OWNER_ID),
            "unavailable": False,
            "large": False,
            "member_count": 3,
            "joined_at": TIMESTAMP,
            "preferred_locale": "en-US",
            "features": [],
            "emojis": [],
            "stickers": [],
            "voice_states": [],
            "presences": [],
            "threads": [],
            "roles": [
                {
                    "id": str(GUILD_ID),
                    "name": "@everyone",
                    "permissions": str((1 << 10) | (1 << 11)),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "members": [self.member(BOT_ID, "cohort", bot=True)],
            "channels": [
                {
                    "id": str(CHANNEL_ID),
                    "type": 0,
                    "name": "general",
                    "position": 0,
                    "permission_overwrites": [],
                    "nsfw": False,
                    "parent_id": None,
                    "topic": None,
                    "last_message_id": None,
                    "rate_limit_per_user": 0,
                }
            ],
        }

    async def join(self) -> None:
        """The bot is added to the fake server, as an admin does with its invite link."""
        self.in_guild = True
        guild = self._guild()
        del guild["unavailable"]  # a server joined, not one coming back after an outage
        await self.dispatch("GUILD_CREATE", guild)

    async def dispatch(self, event: str, data: Mapping[str, Any]) -> None:
        """Send a gateway event to the connection whose shard holds the fake server."""
        for connection in self._connections:
            shard_id, count = connection.shard
            if (GUILD_ID >> 22) % count == shard_id:
                await self._send(connection, event, data)
                return
        raise AssertionError("no gateway connection holds the fake server")

    # Interactions -----------------------------------------------------------------------

    def member(
        self, user_id: int, name: str, *, permissions: int = 0, bot: bool = False
    ) -> dict[str, Any]:
        return {
            "user": user(user_id, name, bot=bot),
            "roles": [],
            "joined_at": TIMESTAMP,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": None,
            "avatar": None,
            "premium_since": None,
            "communication_disabled_until": None,
            "permissions": str(permissions),
        }

    def interaction(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        user_id: int = MEMBER_ID,
        name: str = "ada",
        permissions: int = 0,
        message: dict[str, Any] | None = None,
        in_dm: bool = False,
    ) -> dict[str, Any]:
        """An INTERACTION_CREATE payload from a member of the fake server (or from a DM)."""
        interaction_id = self.next_id()
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(APPLICATION_ID),
            "type": kind,
            "data": data,
            "token": f"interaction-token-{interaction_id}",
            "version": 1,
            "locale": "en-US",
            "app_permissions": str((1 << 11) | (1 << 14)),
            "entitlements": [],
            "attachment_size_limit": 8 * 1024 * 1024,
        }
        if in_dm:
            dm = self.dm_channels.setdefault(user_id, self.next_id())
            payload["channel_id"] = str(dm)
            payload["channel"] = {"id": str(dm), "type": 1, "recipients": [user(user_id, name)]}
            payload["user"] = user(user_id, name)
            payload["context"] = 1
            payload["authorizing_integration_owners"] = {"0": str(GUILD_ID)}
        else:
            payload["guild_id"] = str(GUILD_ID)
            payload["guild"] = {"id": str(GUILD_ID), "locale": "en-US", "features": []}
            payload["guild_locale"] = "en-US"
            payload["channel_id"] = str(CHANNEL_ID)
            payload["channel"] = {
                "id": str(CHANNEL_ID),
                "type": 0,
                "guild_id": str(GUILD_ID),
                "name": "general",
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
                "permissions": str(permissions),
            }
            payload["member"] = self.member(user_id, name, permissions=permissions)
            payload["context"] = 0
            payload["authorizing_integration_owners"] = {"0": str(GUILD_ID)}
        if message is not None:
            payload["message"] = message
        return payload

    def slash(
        self,
        path: Sequence[str],
        options: Sequence[dict[str, Any]] = (),
        *,
        resolved: dict[str, Any] | None = None,
        kind: int = APPLICATION_COMMAND,
        **who: Any,
    ) -> dict[str, Any]:
        """A slash command (or, with `kind=AUTOCOMPLETE`, typing into one of its options)."""
        registered = {c["name"]: c for c in self.commands.get(None, [])}
        command = registered.get(path[0], {"id": str(self.next_id())})
        nested = list(options)
        if len(path) == 2:
            nested = [{"type": SUBCOMMAND, "name": path[1], "options": nested}]
        data: dict[str, Any] = {
            "id": command["id"],
            "name": path[0],
            "type": 1,
            "options": nested,
        }
        if resolved:
            data["resolved"] = resolved
        return self.interaction(kind, data, **who)

    def click(self, message: dict[str, Any], custom_id: str, **who: Any) -> dict[str, Any]:
        """A click on the button with `custom_id` in a message the bot sent."""
        data = {"custom_id": custom_id, "component_type": 2}
        return self.interaction(COMPONENT, data, message=message, **who)

    def choose(
        self, message: dict[str, Any], custom_id: str, values: Sequence[str], **who: Any
    ) -> dict[str, Any]:
        """A choice in the select with `custom_id` in a message the bot sent: channel ids in
        a channel select (resolved as Discord resolves them), option values in another."""
        component = _component(message, custom_id)
        data: dict[str, Any] = {
            "custom_id": custom_id,
            "component_type": component["type"],
            "values": list(values),
        }
        if component["type"] == CHANNEL_SELECT:
            channels = {
                v: {"id": v, "name": "general", "type": 0, "permissions": "0"} for v in values
            }
            data["resolved"] = {"channels": channels}
        return self.interaction(COMPONENT, data, message=message, **who)

    def submit(
        self, custom_id: str, values: Mapping[str, str | Sequence[str]], **who: Any
    ) -> dict[str, Any]:
        """A submitted modal with its inputs wrapped in labels, as Discord sends them: a text
        input's `value` for a string, a string select's `values` for a list."""
        components = []
        for i, (name, value) in enumerate(values.items()):
            inner: dict[str, Any] = {"type": TEXT_INPUT, "id": 2 * i + 2, "custom_id": name}
            if isinstance(value, str):
                inner["value"] = value
            else:
                inner.update(type=STRING_SELECT, values=list(value))
            components.append({"type": LABEL, "id": 2 * i + 1, "component": inner})
        data = {"custom_id": custom_id, "components": components}
        return self.interaction(MODAL_SUBMIT, data, **who)

    def fill(
        self, modal: Mapping[str, Any], values: Mapping[str, str | Sequence[str]], **who: Any
    ) -> dict[str, Any]:
        """A member submits a modal Cohort showed: what they typed or chose in its inputs,
        checked against the modal (a select's values must be among its options, and as many
        as it allows); inputs left alone keep their default, like Discord's client."""
        inputs = {
            c["component"]["custom_id"]: c["component"]
            for c in modal["components"]
            if c["type"] == LABEL
        }
        unknown = set(values) - set(inputs)
        assert not unknown, f"no such input in the modal: {unknown}"
        submitted: dict[str, str | Sequence[str]] = {}
        for name, inner in inputs.items():
            if inner["type"] == STRING_SELECT:
                offered = [o["value"] for o in inner["options"]]
                default = [o["value"] for o in inner["options"] if o.get("default")]
                chosen = list(values.get(name, default))
                assert set(chosen) <= set(offered), f"{chosen} not among {offered}"
                assert inner.get("min_values", 1) <= len(chosen) <= inner.get("max_values", 1)
                submitted[name] = chosen
            else:
                submitted[name] = str(values.get(name, inner.get("value") or ""))
        return self.submit(modal["custom_id"], submitted, **who)

    async def interact(self, payload: dict[str, Any]) -> dict[str, Any]:
        self._interactions[payload["token"]] = payload
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    # REST -------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        files: list[str] = []
        if request.content_type == "multipart/form-data":
            reader = await request.multipart()
            async for part in reader:
                if part.name == "payload_json":  # type: ignore[union-attr]
                    body = json.loads(await part.text())  # type: ignore[union-attr]
                else:
                    files.append(part.filename or "")  # type: ignore[union-attr]
                    await part.read()  # type: ignore[union-attr]
        elif request.can_read_body:
            text = await request.text()
            body = json.loads(text) if text else None
        call = Call(
            request.method,
            path,
            dict(request.query),
            body,
            files,
            request.headers.get("Authorization") == f"Bot {TOKEN}",
            time.monotonic(),
        )
        self.calls.append(call)
        try:
            failure = self._take_failure(call)
            if failure is None:
                return self._route(call)
            if failure.commit:
                self._route(call)
            if failure.status == DROP:
                assert request.transport is not None
                request.transport.close()
                return web.Response(status=500)  # never reaches the client
            return self._failure(failure)
        finally:
            self._touch()

    def _take_failure(self, call: Call) -> Failure | None:
        for failure in self.failures:
            if failure.method == call.method and failure.pattern.fullmatch(call.path):
                if failure.skip:
                    failure.skip -= 1
                    return None
                failure.times -= 1
                if failure.times <= 0:
                    self.failures.remove(failure)
                return failure
        return None

    def _failure(self, failure: Failure) -> web.Response:
        if failure.status == 429:
            retry_after = failure.retry_after or 1.0
            headers = {"Retry-After": f"{retry_after:g}", "X-RateLimit-Scope": "user"}
            if failure.via:
                headers["Via"] = "1.1 google"
            body = {
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": False,
            }
            return _json(body, 429, headers)
        message = "Internal Server Error" if failure.status >= 500 else "Refused"
        return _error(failure.status, failure.code or 0, message)

    def _route(self, call: Call) -> web.Response:
        method, path = call.method, call.path
        routes: list[tuple[str, str, Callable[..., web.Response]]] = [
            ("GET", r"/users/@me", self._me),
            ("GET", r"/oauth2/applications/@me", self._application),
            ("PUT", r"/applications/(\d+)/commands", self._put_commands),
            ("PUT", r"/applications/(\d+)/guilds/(\d+)/commands", self._put_commands),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._callback),
            ("POST", r"/webhooks/(\d+)/([^/]+)", self._followup),
            ("PATCH", r"/webhooks/(\d+)/([^/]+)/messages/@original", self._edit_original),
            ("POST", r"/channels/(\d+)/messages", self._post_message),
            ("GET", r"/channels/(\d+)/messages", self._history),
            ("DELETE", r"/channels/(\d+)/messages/(\d+)", self._delete_message),
            ("POST", r"/channels/(\d+)/threads", self._start_thread),
            ("PUT", r"/channels/(\d+)/thread-members/(\d+)", self._add_thread_member),
            ("POST", r"/users/@me/channels", self._open_dm),
        ]
        for route_method, pattern, handler in routes:
            match = re.fullmatch(pattern, path)
            if route_method == method and match:
                if handler not in (self._callback, self._followup, self._edit_original) and (
                    not call.authorized
                ):
                    return _error(401, 0, "401: Unauthorized")
                return handler(call, *match.groups())
        return _error(404, 0, "404: Not Found")

    def _me(self, call: Call) -> web.Response:
        return _json(user(BOT_ID, "cohort", bot=True))

    def _application(self, call: Call) -> web.Response:
        return _json(
            {
                "id": str(APPLICATION_ID),
                "name": "Cohort",
                "description": "",
                "icon": None,
                "bot_public": False,
                "bot_require_code_grant": False,
                "owner": user(OWNER_ID, "owner"),
                "verify_key": "0" * 64,
                "flags": 0,
                "team": None,
                "summary": "",
                "rpc_origins": [],
            }
        )

    def _put_commands(self, call: Call, app: str, guild: str | None = None) -> web.Response:
        commands = call.body or []
        problems = _validation_errors(commands)
        if problems:
            return _json({"code": 50035, "message": "Invalid Form Body", "errors": problems}, 400)
        stored = []
        for command in commands:
            entry = {
                **command,
                "id": str(self.next_id()),
                "application_id": app,
                "version": str(self.next_id()),
                "type": command.get("type", 1),
            }
            if guild is not None:
                entry["guild_id"] = guild
            stored.append(entry)
        self.commands[int(guild) if guild else None] = stored
        return _json(stored)

    def _message(
        self, channel_id: int, body: Mapping[str, Any], files: Sequence[str], flags: int = 0
    ) -> dict[str, Any]:
        """A message as Discord would create it, mentions parsed as Discord parses them."""
        content = body.get("content") or ""
        allowed = body.get("allowed_mentions")
        parse = (allowed or {}).get("parse", ["users", "roles", "everyone"])
        listed_users = {str(u) for u in (allowed or {}).get("users", [])}
        in_content_users = set(re.findall(r"<@!?(\d+)>", content))
        users = in_content_users if "users" in parse else in_content_users & listed_users
        roles = set(re.findall(r"<@&(\d+)>", content)) if "roles" in parse else set()
        everyone = "everyone" in parse and bool(re.search(r"@(everyone|here)", content))
        return {
            "id": str(self.next_id()),
            "channel_id": str(channel_id),
            "author": user(BOT_ID, "cohort", bot=True),
            "content": content,
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": everyone,
            "mentions": [user(int(u), f"user{u[-4:]}") for u in sorted(users)],
            "mention_roles": sorted(roles),
            "attachments": [
                {
                    "id": str(self.next_id()),
                    "filename": name,
                    "size": 1,
                    "url": f"https://cdn.invalid/{name}",
                    "proxy_url": f"https://cdn.invalid/{name}",
                }
                for name in files
            ],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": flags | int(body.get("flags") or 0),
            "nonce": body.get("nonce"),
        }

    def _callback(self, call: Call, interaction_id: str, token: str) -> web.Response:
        body = call.body or {}
        kind = body.get("type")
        data = body.get("data") or {}
        source = self._interactions.get(token, {})
        if token in self._acknowledged:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        if kind not in _ANSWERS.get(source.get("type", APPLICATION_COMMAND), ()):
            return _error(400, 50035, f"Invalid interaction response type {kind}")
        if kind == MODAL:
            problems = _modal_errors(data)
            if problems:
                return _json(
                    {"code": 50035, "message": "Invalid Form Body", "errors": problems}, 400
                )
            self.modals.append(data)
        self._acknowledged.add(token)
        channel_id = int(source.get("channel_id", CHANNEL_ID))
        answer: dict[str, Any] = {
            "interaction": {
                "id": interaction_id,
                "type": source.get("type", APPLICATION_COMMAND),
                "response_message_loading": kind == DEFERRED,
                "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
            },
            "resource": {"type": kind},
        }
        if kind in (MESSAGE_RESPONSE, DEFERRED):
            message = self._message(channel_id, data, call.files)
            self._originals[token] = message
            answer["interaction"]["response_message_id"] = message["id"]
            answer["resource"]["message"] = message
        return _json(answer)

    def _followup(self, call: Call, app: str, token: str) -> web.Response:
        source = self._interactions.get(token, {})
        channel_id = int(source.get("channel_id", CHANNEL_ID))
        return _json(self._message(channel_id, call.body or {}, call.files))

    def _edit_original(self, call: Call, app: str, token: str) -> web.Response:
        original = self._originals.get(token)
        if original is None:
            return _error(404, 10008, "Unknown Message")
        edited = self._message(int(original["channel_id"]), call.body or {}, call.files)
        edited.update(id=original["id"], flags=original["flags"])
        self._originals[token] = edited
        return _json(edited)

    def _post_message(self, call: Call, channel: str) -> web.Response:
        channel_id = int(channel)
        body = call.body or {}
        dm_user = next((u for u, c in self.dm_channels.items() if c == channel_id), None)
        if dm_user is not None and dm_user in self.closed_dms:
            return _error(403, 50007, "Cannot send messages to this user")
        if channel_id not in self.messages:
            return _error(404, 10003, "Unknown Channel")
        nonce = body.get("nonce")
        remembered = self._nonces.get((channel_id, nonce)) if nonce else None
        if remembered and body.get("enforce_nonce"):
            at, known = remembered
            if time.monotonic() - at <= self.nonce_window:
                return _json(known)
        message = self._message(channel_id, body, call.files)
        self.messages[channel_id].append(message)
        if nonce:
            self._nonces[(channel_id, nonce)] = (time.monotonic(), message)
        return _json(message)

    def _delete_message(self, call: Call, channel: str, message: str) -> web.Response:
        """Like Discord, a bot may delete its own messages (anyone's with Manage Messages)."""
        channel_id = int(channel)
        if channel_id not in self.messages:
            return _error(404, 10003, "Unknown Channel")
        found = [m for m in self.messages[channel_id] if m["id"] == message]
        if not found:
            return _error(404, 10008, "Unknown Message")
        self.messages[channel_id].remove(found[0])
        self.deleted.append(found[0])
        return web.Response(status=204)

    def _history(self, call: Call, channel: str) -> web.Response:
        """A channel's messages, newest first, before a message id when asked. Like Discord,
        without their nonce: it is in the create response and the gateway event only."""
        channel_id = int(channel)
        if channel_id not in self.messages:
            return _error(404, 10003, "Unknown Channel")
        limit = min(int(call.query.get("limit", 50)), 100)
        before = int(call.query.get("before", 0)) or None
        newest_first = [
            {k: v for k, v in m.items() if k != "nonce"}
            for m in reversed(self.messages[channel_id])
            if before is None or int(m["id"]) < before
        ]
        return _json(newest_first[:limit])

    def _start_thread(self, call: Call, channel: str) -> web.Response:
        channel_id = int(channel)
        if channel_id in self.no_threads:
            return _error(403, 50013, "Missing Permissions")
        body = call.body or {}
        thread_id = self.next_id()
        thread = {
            "id": str(thread_id),
            "type": body.get("type", 12),
            "guild_id": str(GUILD_ID),
            "parent_id": channel,
            "owner_id": str(BOT_ID),
            "name": body.get("name"),
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "message_count": 0,
            "member_count": 1,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": body.get("auto_archive_duration", 10080),
                "archive_timestamp": TIMESTAMP,
                "locked": False,
                "invitable": body.get("invitable", True),
            },
        }
        self.threads[thread_id] = thread
        self.thread_members[thread_id] = {BOT_ID}
        self.messages[thread_id] = []
        return _json(thread, 201)

    def _add_thread_member(self, call: Call, thread: str, member: str) -> web.Response:
        if int(thread) not in self.threads:
            return _error(404, 10003, "Unknown Channel")
        if int(member) in self.gone_members:
            return _error(404, 10007, "Unknown Member")
        self.thread_members[int(thread)].add(int(member))
        return web.Response(status=204)

    def _open_dm(self, call: Call) -> web.Response:
        recipient = int((call.body or {})["recipient_id"])
        channel_id = self.dm_channels.setdefault(recipient, self.next_id())
        self.messages.setdefault(channel_id, [])
        return _json(
            {
                "id": str(channel_id),
                "type": 1,
                "last_message_id": None,
                "recipients": [user(recipient, f"user{str(recipient)[-4:]}")],
            }
        )
