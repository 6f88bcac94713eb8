"""The one HTTP server of `cohort run`: liveness, readiness and Prometheus metrics in every
mode, plus Slack's `/slack/events` in Slack HTTP mode (`adapters.slack.serve` adds it)."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from aiohttp.web_log import AccessLogger
from aiohttp.web_request import BaseRequest

from bot.app import Cohort
from bot.metrics import CONTENT_TYPE

log = logging.getLogger(__name__)

LIVE_PATH = "/healthz"  # the process is up (its event loop answers)
READY_PATH = "/readyz"  # the database answers and every configured platform is connected
METRICS_PATH = "/metrics"
PROBES = frozenset({LIVE_PATH, READY_PATH, METRICS_PATH})
SETTLE_SECONDS = 10.0  # how long a shutdown waits for requests under way


class QuietProbes(AccessLogger):
    """aiohttp's access log, except that probes and scrapes (every few seconds from a
    container runtime, a load balancer or Prometheus, a 503 while not ready included) are
    logged at DEBUG only. A failing handler is still logged by aiohttp as an error."""

    def log(self, request: BaseRequest, response: web.StreamResponse, time: float) -> None:
        if request.path in PROBES:
            if self.logger.isEnabledFor(logging.DEBUG):
                self.logger.debug("%s %s %s", request.method, request.path, response.status)
            return
        super().log(request, response, time)


def add_ops_routes(app: web.Application, cohort: Cohort) -> None:
    """`GET /healthz` (live), `GET /readyz` (ready: 200 or 503 with each check) and
    `GET /metrics` (Prometheus text format) on `app`."""

    async def live(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def ready(request: web.Request) -> web.Response:
        readiness = await cohort.health.readiness()
        return web.json_response(
            {"ready": readiness.ready, "checks": readiness.checks},
            status=200 if readiness.ready else 503,
        )

    async def metrics(request: web.Request) -> web.Response:
        body = await cohort.metrics.exposition(cohort.outbox.counts)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    app.router.add_get(LIVE_PATH, live)
    app.router.add_get(READY_PATH, ready)
    app.router.add_get(METRICS_PATH, metrics)


async def start(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Serve `app` on host:port (port 0 picks a free one; see `bound_port`)."""
    runner = web.AppRunner(app, shutdown_timeout=SETTLE_SECONDS, access_log_class=QuietProbes)
    await runner.setup()
    await web.TCPSite(runner, host, port, backlog=1024).start()
    return runner


def bound_port(runner: web.AppRunner) -> int:
    return int(runner.addresses[0][1])


async def serve_ops(cohort: Cohort, host: str, port: int) -> None:
    """Serve health and metrics until cancelled (every mode but Slack HTTP mode, whose server
    carries them beside /slack/events)."""
    app = web.Application()
    add_ops_routes(app, cohort)
    runner = await start(app, host, port)
    log.info(
        "health and metrics on http://%s:%s (%s, %s, %s)",
        host,
        bound_port(runner),
        LIVE_PATH,
        READY_PATH,
        METRICS_PATH,
    )
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
