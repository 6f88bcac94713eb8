"""A scheduled job for tests: posts the occurrence's local key to the challenges channel."""

from __future__ import annotations

from bot.communities.model import Community, Purpose, Schedule
from bot.jobs import Job, Occurrence
from bot.outbox import Target, enqueue
from bot.replies import Reply
from bot.storage.database import Database
from bot.storage.transaction import Transaction


def posting_job(db: Database) -> Job:
    def schedule(community: Community) -> Schedule | None:
        if Purpose.CHALLENGES not in community.channels:
            return None
        return community.schedule(Purpose.CHALLENGES)

    async def run(conn: Transaction, community: Community, occurrence: Occurrence) -> None:
        note = " (late)" if occurrence.late else ""
        await enqueue(
            conn,
            community=community,
            key=f"test:{community.id}:{occurrence.local_key}",
            target=Target.channel(community.channels[Purpose.CHALLENGES]),
            reply=Reply(body=f"post for {occurrence.local_key}{note}", private=False),
            now=occurrence.due_at,
        )

    return Job("test-post", schedule, run)
