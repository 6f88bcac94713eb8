"""A loopback fake of Slack for end-to-end tests: the Web API, response_urls, the file upload
URL, a Socket Mode websocket and the OAuth v2 install flow, on 127.0.0.1. It records every call
and fails on demand.

Until a workspace is added (`add_workspace`) any token stands for the one workspace TEAM_ID.
Once one is, tokens are checked as Slack checks them: each belongs to the workspace it was
issued for (through the install flow), answers for that workspace only, and stops working
when revoked (an uninstall), expired, or, with token rotation, refreshed and expired."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import BasicAuth, WSMsgType, web

TEAM_ID = "T0COHORT"
BOT_USER_ID = "UCOHORTBOT"


@dataclass(frozen=True)
class Call:
    """One request the fake received. `method` is a Web API method name, or `respond`
    (a response_url post), `upload` (file bytes) or `socket` (a Socket Mode frame)."""

    method: str
    params: dict[str, Any]
    token: str | None
    at: float = field(default_factory=time.monotonic)


DROP = 0  # a "status" for fail(): close the connection without answering
APP_ID = "ACOHORT"
# Methods called without a workspace's bot token: the install itself, and Socket Mode (an
# app-level token).
_NO_BOT_TOKEN = frozenset({"oauth.v2.access", "apps.connections.open"})


@dataclass
class _Token:
    team_id: str
    expires_at: float | None  # time.time() after which Slack answers token_expired
    revoked: bool = False


@dataclass
class _Failure:
    status: int  # or DROP
    error: str
    retry_after: int | None
    commit: bool  # carry the call out first: Slack did it, and the answer was lost
    hang: float  # seconds to wait before answering (past the client's timeout)


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.uploads: dict[str, bytes] = {}
        self.deleted: list[dict[str, Any]] = []  # messages deleted, as they were
        self.missing_channels: set[str] = set()
        self._failures: dict[str, list[_Failure]] = defaultdict(list)
        self._filenames: dict[str, str] = {}
        self._ids = itertools.count(1)
        self._changed = asyncio.Event()
        self._sockets: list[web.WebSocketResponse] = []
        self._runner: web.AppRunner | None = None
        self.port = 0
        # Many workspaces: team id -> name, the tokens issued, the install flow's codes.
        self.workspaces: dict[str, str] = {}
        self.channel_teams: dict[str, str] = {}
        self.tokens: dict[str, _Token] = {}
        self.client_id: str | None = None
        self.client_secret: str | None = None
        self.token_expires_in: int | None = None  # token rotation on: seconds a token lasts
        self._codes: dict[str, str] = {}  # one-time code -> team id
        self._refresh_tokens: dict[str, str] = {}  # refresh token -> team id

    # --- Lifecycle and addresses ---------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{name}", self._respond)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        app.router.add_get("/oauth/v2/authorize", self._authorize)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def close(self) -> None:
        for socket in self._sockets:
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, name: str) -> str:
        return f"{self.base_url}/respond/{name}"

    # --- Set-up --------------------------------------------------------------------------------

    def add_workspace(self, team_id: str, name: str, channels: tuple[str, ...] = ()) -> None:
        """A workspace that can install the app; from now on tokens are checked."""
        self.workspaces[team_id] = name
        self.channel_teams.update(dict.fromkeys(channels, team_id))

    def enable_oauth(
        self, client_id: str, client_secret: str, *, token_expires_in: int | None = None
    ) -> None:
        """The app's credentials for the install flow; `token_expires_in` turns on token
        rotation (tokens last that long, and come with a refresh token)."""
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_expires_in = token_expires_in

    def uninstall(self, team_id: str) -> None:
        """The workspace removes the app: every token issued for it stops working."""
        for token in self.tokens.values():
            if token.team_id == team_id:
                token.revoked = True
        self._refresh_tokens = {r: t for r, t in self._refresh_tokens.items() if t != team_id}

    def team_of(self, token: str | None) -> str | None:
        found = self.tokens.get(token or "")
        return found.team_id if found else None

    def add_user(
        self, user_id: str, name: str, *, admin: bool = False, team_id: str = TEAM_ID
    ) -> None:
        self.users[user_id] = {
            "id": user_id,
            "team_id": team_id,
            "name": name.lower(),
            "real_name": name,
            "is_admin": admin,
            "is_owner": False,
            "profile": {"display_name": name, "real_name": name},
        }

    def fail(
        self,
        method: str,
        *,
        status: int = 429,
        error: str = "ratelimited",
        retry_after: int | None = 1,
        times: int = 1,
        commit: bool = False,
        hang: float = 0.0,
    ) -> None:
        """Answer the next `times` calls of `method` with this failure (`status=DROP`: close
        the connection instead). With `commit`, carry each call out first, as when Slack
        stored a message and its answer was lost; with `hang`, wait that long first."""
        failure = _Failure(status, error, retry_after if status == 429 else None, commit, hang)
        self._failures[method].extend([failure] * times)

    def storm(self, method: str, status: int, times: int, **options: Any) -> None:
        """A run of `times` failures of `method` (429s with Retry-After, or 5xx)."""
        error = "ratelimited" if status == 429 else "service_unavailable"
        self.fail(method, status=status, error=error, times=times, **options)

    def posted_keys(self) -> list[str]:
        """The outbox key of every message posted, in every conversation, in order."""
        return [
            str(payload["key"])
            for messages in self.messages.values()
            for m in messages
            if isinstance(payload := (m.get("metadata") or {}).get("event_payload"), dict)
            and "key" in payload
        ]

    # --- Reading what happened -----------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def responses(self, name: str) -> list[dict[str, Any]]:
        """What was posted to the response_url called `name`."""
        return [c.params for c in self.calls_to("respond") if c.params["name"] == name]

    async def wait_for(self, method: str, count: int = 1, seconds: float = 10.0) -> list[Call]:
        """The calls to `method`, once there are at least `count` of them."""
        try:
            async with asyncio.timeout(seconds):
                while len(found := self.calls_to(method)) < count:
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            seen = [c.method for c in self.calls]
            raise AssertionError(f"expected {count} call(s) to {method}; saw {seen}") from None
        return found

    async def socket_send(self, frame: dict[str, Any]) -> None:
        """Push a frame (an envelope) to every connected Socket Mode client."""
        for socket in self._sockets:
            await socket.send_str(json.dumps(frame))

    # --- Handlers ------------------------------------------------------------------------------

    def _record(self, method: str, params: dict[str, Any], token: str | None) -> None:
        self.calls.append(Call(method, params, token))
        self._changed.set()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            params.update(await request.post())
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ") if header.startswith("Bearer ") else None
        self._record(method, params, token)
        if method == "oauth.v2.access":
            return web.json_response(self._oauth_access(header, params))
        team, refused = self._authenticate(method, token)
        if refused:
            return web.json_response({"ok": False, "error": refused})
        if not self._failures[method]:
            return web.json_response(self._answer(method, params, team))
        failure = self._failures[method].pop(0)
        if failure.commit:
            self._answer(method, params, team)
        if failure.hang:
            await asyncio.sleep(failure.hang)
        if failure.status == DROP:
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)  # never reaches the client
        headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
        return web.json_response(
            {"ok": False, "error": failure.error}, status=failure.status, headers=headers
        )

    def _authenticate(self, method: str, token: str | None) -> tuple[str, str | None]:
        """The workspace a call acts for, or why Slack refuses its token."""
        if not self.workspaces or method in _NO_BOT_TOKEN:
            return TEAM_ID, None
        found = self.tokens.get(token or "")
        if found is None:
            return "", "not_authed" if token is None else "invalid_auth"
        if found.revoked:
            return "", "token_revoked"
        if found.expires_at is not None and found.expires_at < time.time():
            return "", "token_expired"
        return found.team_id, None

    def _answer(self, method: str, params: dict[str, Any], team: str = TEAM_ID) -> dict[str, Any]:
        channel = str(params.get("channel") or params.get("channel_id") or "")
        if channel in self.missing_channels or self.channel_teams.get(channel, team) != team:
            return {"ok": False, "error": "channel_not_found"}
        if method == "auth.test":
            return {
                "ok": True,
                "url": f"https://{team.lower()}.slack.com/",
                "team": self.workspaces.get(team, "Cohort Test"),
                "user": "cohort",
                "team_id": team,
                "user_id": _bot_user(team),
                "bot_id": "BCOHORT",
            }
        if method == "users.info":
            user_id = str(params["user"])
            user = self.users.get(user_id, {"id": user_id, "name": user_id, "team_id": team})
            if user.get("team_id", team) != team:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": user}
        if method == "chat.postMessage":
            ts = self._post(channel, {**params, "team": team})
            return {"ok": True, "channel": channel, "ts": ts}
        if method == "conversations.open":
            users = str(params["users"]).split(",")
            prefix = "D" if len(users) == 1 else "G"
            return {"ok": True, "channel": {"id": prefix + "-".join(users)}}
        if method == "chat.delete":
            return self._delete(channel, lambda m: m["ts"] == params.get("ts"), "message")
        if method == "files.delete":
            file_id = str(params.get("file"))
            shares = [c for c, ms in self.messages.items() if any(_shares(m, file_id) for m in ms)]
            if not shares:
                return {"ok": False, "error": "file_not_found"}
            for conversation in shares:
                self._delete(conversation, lambda m: _shares(m, file_id), "file")
            return {"ok": True}
        if method == "conversations.history":
            return self._history(channel, params)
        if method in ("views.open", "views.update", "views.publish"):
            view = _json(params["view"])
            if _view_problems(view):
                return {"ok": False, "error": "invalid_arguments"}
            view_id = str(params.get("view_id") or f"V{next(self._ids)}")
            return {"ok": True, "view": {**view, "id": view_id}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ids):08d}"
            self._filenames[file_id] = str(params["filename"])
            return {
                "ok": True,
                "file_id": file_id,
                "upload_url": f"{self.base_url}/upload/{file_id}",
            }
        if method == "files.completeUploadExternal":
            files = [
                {"id": f["id"], "name": self._filenames[f["id"]], "title": f.get("title")}
                for f in _json(params["files"])
            ]
            if channel:
                blocks = _json(params["blocks"]) if params.get("blocks") else []
                self._post(channel, {"blocks": blocks, "files": files})
            return {"ok": True, "files": files}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}
        return {"ok": False, "error": "unknown_method"}

    def _delete(self, channel: str, which: Any, what: str) -> dict[str, Any]:
        """Like Slack, a bot may delete its own messages (chat.delete) and files
        (files.delete, which takes the file's messages with it)."""
        found = [m for m in self.messages.get(channel, []) if which(m)]
        if not found:
            return {"ok": False, "error": f"{what}_not_found"}
        for message in found:
            self.messages[channel].remove(message)
            self.deleted.append(message)
        return {"ok": True, "channel": channel, "ts": found[0]["ts"]}

    def _history(self, channel: str, params: dict[str, Any]) -> dict[str, Any]:
        """Newest first, a page at a time; metadata only when asked for, as Slack does."""
        latest_first = list(reversed(self.messages[channel]))
        limit = min(int(params.get("limit", 100)), 999)
        start = int(params.get("cursor") or 0)
        page = latest_first[start : start + limit]
        if str(params.get("include_all_metadata")).lower() not in ("true", "1"):
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = start + limit < len(latest_first)
        answer: dict[str, Any] = {"ok": True, "messages": page, "has_more": more}
        if more:
            answer["response_metadata"] = {"next_cursor": str(start + limit)}
        return answer

    def _post(self, channel: str, params: dict[str, Any]) -> str:
        ts = f"{1_800_000_000 + next(self._ids)}.000100"
        message = {"type": "message", "ts": ts, "bot_id": "BCOHORT"}
        for key in ("text", "blocks", "metadata", "files", "team"):
            if key in params:
                message[key] = _json(params[key])
        self.messages[channel].append(message)
        return ts

    # --- The OAuth v2 install flow ------------------------------------------------------------

    async def _authorize(self, request: web.Request) -> web.Response:
        """Slack's authorize page, where the installer picks a workspace (`team`) and
        approves: back to the app's redirect URL with a one-time code and the app's state."""
        query = request.query
        self._record("oauth.authorize", dict(query), None)
        team = query.get("team", "")
        if query.get("client_id") != self.client_id or team not in self.workspaces:
            return web.Response(status=400, text="invalid client_id or team")
        code = f"code-{team}-{next(self._ids)}"
        self._codes[code] = team
        answer = urlencode({"code": code, "state": query.get("state", "")})
        raise web.HTTPFound(f"{query['redirect_uri']}?{answer}")

    def _oauth_access(self, header: str, params: dict[str, Any]) -> dict[str, Any]:
        """oauth.v2.access: a code for the workspace's first tokens, or (token rotation) a
        refresh token for new ones. The app authenticates with HTTP Basic auth."""
        try:
            app = BasicAuth.decode(header)
        except ValueError:
            return {"ok": False, "error": "invalid_client_id"}
        if (app.login, app.password) != (self.client_id, self.client_secret):
            return {"ok": False, "error": "invalid_client_id"}
        if params.get("grant_type") == "refresh_token":
            team = self._refresh_tokens.get(str(params.get("refresh_token")))
            if team is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            return {"ok": True, **self._issue(team)}
        team = self._codes.pop(str(params.get("code")), None)
        if team is None:
            return {"ok": False, "error": "invalid_code"}
        return {
            "ok": True,
            **self._issue(team),
            "app_id": APP_ID,
            "scope": str(params.get("scope", "commands,chat:write")),
            "team": {"id": team, "name": self.workspaces[team]},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": f"U{team}INSTALLER"},
        }

    def _issue(self, team: str) -> dict[str, Any]:
        """A new bot token for the workspace (and a refresh token, with rotation)."""
        rotating = self.token_expires_in is not None
        token = f"{'xoxe.' if rotating else ''}xoxb-{team}-{next(self._ids)}"
        expires_at = time.time() + self.token_expires_in if self.token_expires_in else None
        self.tokens[token] = _Token(team, expires_at)
        issued: dict[str, Any] = {
            "access_token": token,
            "token_type": "bot",
            "bot_user_id": _bot_user(team),
        }
        if self.token_expires_in is not None:
            refresh = f"xoxe-1-{team}-{next(self._ids)}"
            self._refresh_tokens[refresh] = team
            issued |= {"refresh_token": refresh, "expires_in": self.token_expires_in}
        return issued

    async def _respond(self, request: web.Request) -> web.Response:
        self._record("respond", {"name": request.match_info["name"], **await request.json()}, None)
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        self.uploads[file_id] = await request.read()
        self._record("upload", {"file_id": file_id}, None)
        return web.Response(text=f"OK - {len(self.uploads[file_id])}")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        self._record("socket-open", {}, None)
        await socket.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        async for frame in socket:
            if frame.type is WSMsgType.TEXT:
                self._record("socket", json.loads(frame.data), None)
        self._sockets.remove(socket)
        return socket


def _view_problems(view: dict[str, Any]) -> list[str]:
    """What Slack would refuse in a view's menus: a static select with 1-100 options, option
    texts up to 75 characters and values up to 150, an initial option among the options."""
    problems = []
    for block in view.get("blocks", []):
        element = block.get("element") or {}
        if element.get("type") != "static_select":
            continue
        options = element.get("options") or []
        if not 1 <= len(options) <= 100:
            problems.append("a static select has 1-100 options")
        for option in options:
            if len(option["text"]["text"]) > 75 or len(option["value"]) > 150:
                problems.append("an option is too long")
        initial = element.get("initial_option")
        if initial is not None and initial not in options:
            problems.append("the initial option is not one of the options")
    return problems


def _bot_user(team: str) -> str:
    return BOT_USER_ID if team == TEAM_ID else f"U{team}BOT"


def _shares(message: dict[str, Any], file_id: str) -> bool:
    return any(f.get("id") == file_id for f in message.get("files") or [])


def _json(value: Any) -> Any:
    """Form-encoded calls carry objects as JSON strings; JSON calls carry them as objects."""
    return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value
