"""`enqueue_all`: a round of messages queued in a few statements, each key once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bot.app import Cohort
from bot.outbox import Post, Target, enqueue_all, model
from bot.replies import Reply
from bot.storage.tables import outbox
from tests.support import COMMUNITY, queue_message


async def test_keys_already_queued_are_skipped_and_the_new_ones_counted(
    cohort: Cohort, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(model, "ENQUEUE_CHUNK", 2)  # five posts: three statements
    await queue_message(cohort, "nudge:b", Target.direct("bob"), Reply(body="b"), COMMUNITY)
    here = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    posts = [Post(f"nudge:{u}", Target.direct(u), Reply(body=u)) for u in "abcde"]
    async with cohort.db.write() as tx:
        assert await enqueue_all(tx, community=here, posts=posts, now=cohort.clock.now()) == 4
    async with cohort.db.write() as tx:
        assert await enqueue_all(tx, community=here, posts=posts, now=cohort.clock.now()) == 0
        assert await enqueue_all(tx, community=here, posts=[], now=cohort.clock.now()) == 0
    async with cohort.db.read() as tx:
        rows = (await tx.execute(sa.select(outbox.c.key, outbox.c.user_ids))).all()
    expected = [(f"nudge:{u}", "bob" if u == "b" else u) for u in "abcde"]
    assert sorted(tuple(r) for r in rows) == expected  # the row queued first is kept
