"""`queued`: which keys the outbox already holds (a job that decides the same posts every hour
words only the new ones); a key names its community, so one question covers many."""

from __future__ import annotations

import pytest

from bot.app import Cohort
from bot.identity import CommunityRef, Platform
from bot.outbox import Target, model, queued
from bot.replies import Reply
from tests.support import COMMUNITY, queue_message

ELSEWHERE = CommunityRef(Platform.CONSOLE, "elsewhere")


async def test_the_keys_already_queued_are_known_whichever_community_queued_them(
    cohort: Cohort,
) -> None:
    await queue_message(cohort, "nudge:a", Target.direct("ada"), Reply(body="a"), COMMUNITY)
    await queue_message(cohort, "nudge:b", Target.direct("bob"), Reply(body="b"), ELSEWHERE)
    async with cohort.db.read() as tx:
        assert await queued(tx, ["nudge:a", "nudge:b", "nudge:c"]) == {"nudge:a", "nudge:b"}
        assert await queued(tx, []) == set()


async def test_a_key_longer_than_the_column_is_known_by_the_whole_key(cohort: Cohort) -> None:
    long = "nudge:" + "x" * 300
    await queue_message(cohort, long, Target.direct("ada"), Reply(body="a"), COMMUNITY)
    async with cohort.db.read() as tx:
        assert await queued(tx, [long, "nudge:other"]) == {long}


async def test_many_keys_are_asked_in_chunks_and_all_answered(
    cohort: Cohort, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(model, "QUEUED_CHUNK", 2)
    for name in ("a", "c", "e"):
        await queue_message(cohort, f"nudge:{name}", Target.direct(name), Reply(body=name))
    asked = [f"nudge:{name}" for name in "abcdef"]
    async with cohort.db.read() as tx:
        assert await queued(tx, asked) == {"nudge:a", "nudge:c", "nudge:e"}
