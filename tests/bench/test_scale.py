"""The scale bench at a tiny size: its summary line has the promised form, its lost and
duplicated counts are real counts (a post injected twice and one answered but never
recorded are both counted), and an outbox that stops settling fails the week, saying why."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from bench import scale_run
from bench.scale import Options, run
from bench.scale_platform import LimitedPlatform, tally
from bot.app import Cohort
from bot.identity import Platform
from bot.outbox import Target
from bot.replies import Reply
from bot.storage.tables import outbox
from tests.support import queue_message

SUMMARY = re.compile(
    r"scale: 4 communities, 40 members, lag \d+ s, delivery \d+\.\d\dx, (\d+) lost,"
    r" (\d+) duplicated, idle \d+ MB"
)


async def test_a_tiny_week_counts_an_injected_duplicate_and_an_injected_loss(
    tmp_path: Path,
) -> None:
    options = Options(communities=4, members=40, command_rate=2, failover=False)
    options.duplicate, options.lose = 1, 1
    result = await run(options, tmp_path)

    lines = result.lines()
    found = SUMMARY.fullmatch(lines[-1])
    assert found is not None, lines[-1]
    assert (found[1], found[2]) == ("1", "1"), lines
    counts = result.tally
    assert counts.expected > 20  # every community's weekly posts, prompts and reminders
    assert counts.delivered == counts.expected - 1
    assert counts.unknown == 0
    assert result.figures.runs.keys() >= {"challenge", "checkin-prompt", "digest", "reminders"}
    assert result.figures.latencies  # commands ran during the week


async def test_an_outbox_that_stops_settling_fails_the_week_saying_what_is_left(
    cohort: Cohort, monkeypatch: pytest.MonkeyPatch
) -> None:
    await queue_message(cohort, "stuck:1", Target.channel("x"), Reply(body="x", private=False))
    async with cohort.db.write() as tx:  # attempted once, its retry a day away
        retry = cohort.clock.now() + timedelta(days=1)
        await tx.execute(outbox.update().values(attempts=1, next_attempt_at=retry))
    monkeypatch.setattr(scale_run, "STALLED_SECONDS", 0.3)
    clock = scale_run.JumpClock(cohort.clock.now())
    drainers = scale_run.Drainers(cohort, clock, [])
    with pytest.raises(RuntimeError, match=r"1 row\(s\) unsettled .*first: stuck:1 pending 1 "):
        await scale_run._settled(cohort.db, clock, drainers)


def test_the_tally_finds_nothing_wrong_when_every_post_arrived_once() -> None:
    platform = LimitedPlatform(Platform.DISCORD)
    platform.received.update({"a": 1, "b": 1})

    counts = tally({"a", "b"}, [platform])

    assert (counts.expected, counts.delivered, counts.lost, counts.duplicated) == (2, 2, 0, 0)


def test_the_tally_counts_each_extra_copy_and_each_missing_post() -> None:
    platform = LimitedPlatform(Platform.SLACK)
    platform.received.update({"a": 3, "stray": 1})

    counts = tally({"a", "b"}, [platform])

    assert (counts.lost, counts.duplicated, counts.unknown) == (1, 2, 1)
