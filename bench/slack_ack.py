"""How fast the Slack app acknowledges: N concurrent signed `/cohort` commands over HTTP mode.

Runs `adapters.slack.serve.serve` (the real Bolt app, HTTP mode, a fresh SQLite core) in a
child process with its Web API pointed at the loopback fake Slack, which this process runs
along with the load: the commands fire at once, from distinct users. Prints the
acknowledgement latency (request sent to HTTP 200 received) and how long until every answer
reached its response_url. Slack wants the acknowledgement within 3 s; the aim is p99 < 300 ms.

    .venv/bin/python -m bench.slack_ack [--requests 200] [--text help]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from adapters.slack.serve import serve
from bot.app import Cohort
from bot.clock import SystemClock
from bot.settings import Settings
from tests.fakes.slack_fake import TEAM_ID, FakeSlack

SECRET = "bench-signing-secret"  # noqa: S105 - made up, for a loopback benchmark


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def signed(n: int, text: str, fake: FakeSlack) -> tuple[bytes, dict[str, str]]:
    body = urlencode(
        {
            "team_id": TEAM_ID,
            "channel_id": "CBENCH",
            "user_id": f"U{n:05d}",
            "user_name": f"member{n}",
            "command": "/cohort",
            "text": text,
            "response_url": fake.response_url(f"bench-{n}"),
            "trigger_id": f"trigger-{n}",
        }
    )
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature or "",
    }
    return body.encode(), headers


async def fire(
    http: aiohttp.ClientSession, url: str, body: bytes, headers: dict[str, str]
) -> float:
    started = time.perf_counter()
    async with http.post(url, data=body, headers=headers) as response:
        await response.read()
        if response.status != 200:
            raise RuntimeError(f"the app answered {response.status}")
    return time.perf_counter() - started


async def batch(
    http: aiohttp.ClientSession, url: str, fake: FakeSlack, first: int, count: int, text: str
) -> tuple[list[float], float]:
    requests = [signed(n, text, fake) for n in range(first, first + count)]
    answered = len(fake.calls_to("respond"))
    started = time.perf_counter()
    latencies = await asyncio.gather(*(fire(http, url, b, h) for b, h in requests))
    await fake.wait_for("respond", answered + count, seconds=60)
    return list(latencies), time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_until_up(http: aiohttp.ClientSession, url: str) -> None:
    async with asyncio.timeout(30):
        while True:
            with contextlib.suppress(aiohttp.ClientConnectionError):
                async with http.get(url) as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.05)


async def main(requests: int, text: str) -> None:
    """The app runs `serve` in a child process, as `cohort run` would; this process plays
    Slack: the fake Web API and the load."""
    fake = FakeSlack()
    await fake.start()
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.slack_ack", "--serve", fake.api_url, database, str(port)
        )
        try:
            connector = aiohttp.TCPConnector(limit=0)
            async with aiohttp.ClientSession(connector=connector) as http:
                await wait_until_up(http, f"http://127.0.0.1:{port}/healthz")
                events = f"http://127.0.0.1:{port}/slack/events"
                await batch(http, events, fake, 0, 20, text)  # warm-up: auth.test, connections
                latencies, total = await batch(http, events, fake, 20, requests, text)
        finally:
            child.terminate()
            await child.wait()
    await fake.close()
    ms = [s * 1000 for s in latencies]
    print(f"{requests} concurrent signed `/cohort {text}` over HTTP mode")
    print(f"ack latency: p50 {percentile(ms, 0.50):.1f} ms, p99 {percentile(ms, 0.99):.1f} ms")
    print(f"ack latency: mean {statistics.fmean(ms):.1f} ms, max {max(ms):.1f} ms")
    print(f"every answer at its response_url after {total * 1000:.0f} ms")


async def serve_app(api_url: str, database: str, port: int) -> None:
    """The child: Cohort on a fresh SQLite database, serving Slack in HTTP mode."""
    settings = Settings(
        _env_file=None,
        database_url=database,
        slack_bot_token="xoxb-bench",  # noqa: S106 - made up, like the secret
        slack_signing_secret=SECRET,
        slack_api_url=api_url,
        http_host="127.0.0.1",
        http_port=port,
    )
    cohort = Cohort.from_settings(settings, SystemClock())
    await cohort.start()
    await serve(cohort, settings)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--text", default="help")
    parser.add_argument("--serve", nargs=3, metavar=("API_URL", "DATABASE_URL", "PORT"))
    options = parser.parse_args()
    if options.serve:
        api_url, database, port = options.serve
        asyncio.run(serve_app(api_url, database, int(port)))
    else:
        asyncio.run(main(options.requests, options.text))
