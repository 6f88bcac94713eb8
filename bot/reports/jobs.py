"""The weekly organizer report, as a scheduled job: on the reports schedule (Monday 08:00 by
default), only where the community has a reports channel of its own."""

from __future__ import annotations

from collections.abc import Sequence

from bot.communities.model import Community, Purpose, Schedule
from bot.jobs import Decisions, Job, Occurrence, Write
from bot.outbox import Post, enqueue_all
from bot.reports.service import ReportService, reports_channel
from bot.storage.transaction import Transaction


def weekly_report(service: ReportService) -> Job:
    def schedule(community: Community) -> Schedule | None:
        if reports_channel(community) is None:
            return None
        return community.schedule(Purpose.REPORTS)

    async def decide(tx: Transaction, batch: Sequence[tuple[Community, Occurrence]]) -> Decisions:
        # Built and drawn before the write transaction: a chart takes a tenth of a second or
        # more, and SQLite's write turn would wait for it. One report per report week (its
        # key), even when organizers move the day mid-week.
        writes: dict[int, Write] = {}
        for community, occurrence in batch:
            post = await service.weekly_post(tx, community, occurrence.due_at, occurrence.late)
            if post is not None:
                writes[community.id] = _queue(community, post, occurrence)
        return writes

    return Job("report", schedule, decide=decide)


def _queue(community: Community, post: Post, occurrence: Occurrence) -> Write:
    async def write(tx: Transaction) -> None:
        await enqueue_all(tx, community=community, posts=[post], now=occurrence.due_at)

    return write
