"""The weekly organizer report, as a scheduled job: on the reports schedule (Monday 08:00 by
default), only where the community has a reports channel of its own."""

from __future__ import annotations

from bot.communities.model import Community, Purpose, Schedule
from bot.jobs import Job, Occurrence
from bot.reports.service import ReportService, reports_channel
from bot.storage.transaction import Transaction


def weekly_report(service: ReportService) -> Job:
    def schedule(community: Community) -> Schedule | None:
        if reports_channel(community) is None:
            return None
        return community.schedule(Purpose.REPORTS)

    async def run(tx: Transaction, community: Community, occurrence: Occurrence) -> None:
        # One report per report week (its key), even when organizers move the day mid-week.
        await service.post(tx, community, occurrence.due_at, occurrence.late)

    return Job("report", schedule, run)
