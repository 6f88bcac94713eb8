"""A loopback fake of Slack for end-to-end tests: the Web API, response_urls, the file upload
URL and a Socket Mode websocket, on 127.0.0.1. It records every call and fails on demand."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

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

    # --- Lifecycle and addresses ---------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{name}", self._respond)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
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

    def add_user(self, user_id: str, name: str, *, admin: bool = False) -> None:
        self.users[user_id] = {
            "id": user_id,
            "team_id": TEAM_ID,
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
        if not self._failures[method]:
            return web.json_response(self._answer(method, params))
        failure = self._failures[method].pop(0)
        if failure.commit:
            self._answer(method, params)
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

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel") or params.get("channel_id") or "")
        if channel in self.missing_channels:
            return {"ok": False, "error": "channel_not_found"}
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://cohort-test.slack.com/",
                "team": "Cohort Test",
                "user": "cohort",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": "BCOHORT",
            }
        if method == "users.info":
            user_id = str(params["user"])
            return {"ok": True, "user": self.users.get(user_id, {"id": user_id, "name": user_id})}
        if method == "chat.postMessage":
            ts = self._post(channel, params)
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
        for key in ("text", "blocks", "metadata", "files"):
            if key in params:
                message[key] = _json(params[key])
        self.messages[channel].append(message)
        return ts

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


def _shares(message: dict[str, Any], file_id: str) -> bool:
    return any(f.get("id") == file_id for f in message.get("files") or [])


def _json(value: Any) -> Any:
    """Form-encoded calls carry objects as JSON strings; JSON calls carry them as objects."""
    return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value
