"""The refresh loop a running bot starts beside the scheduler ticker: it checks due feeds
outside any scheduler transaction, so the weekly digest job only reads stored items."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from bot.clock import Clock
from bot.digests.model import RefreshReport
from bot.digests.service import DigestService

log = logging.getLogger(__name__)

INTERVAL = 300.0
"""Seconds between two looks for due feeds; each feed keeps its own hourly or backoff time."""


async def run_refresher(
    service: DigestService,
    clock: Clock,
    seconds: float = INTERVAL,
    after_refresh: Callable[[], None] = lambda: None,
    observe: Callable[[RefreshReport], None] = lambda report: None,
) -> None:
    """Refresh due feeds every `seconds` until cancelled. `after_refresh` runs after a
    refresh that queued outbox rows (notices of disabled feeds): pass the senders' wake-up;
    `observe` gets every refresh's report (the metrics). Each round is checked as of the time
    it starts, read here as the ticker reads its own."""
    while True:
        try:
            report = await service.refresh(clock.now())
            observe(report)
            if report.checked:
                log.info(
                    "checked %d feed(s): %d new item(s), %d failed, %d disabled",
                    report.checked,
                    report.new_items,
                    report.failed,
                    report.disabled,
                )
            if report.notices:
                after_refresh()
        except Exception:
            log.exception("refreshing feeds failed")
        await asyncio.sleep(seconds)
