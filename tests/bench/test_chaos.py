"""A small chaos run inside the normal suite: `cohort run` processes killed at random
moments, against fakes that lose answers and throttle, still deliver every post once."""

from __future__ import annotations

from bench.chaos import Options, run
from bot.identity import Platform
from tests.conftest import POSTGRES_URL


async def test_a_small_chaos_run_loses_nothing_and_duplicates_nothing() -> None:
    options = Options(kills=4, seed=7, communities=3, processes=2, postgres=POSTGRES_URL, spread=5)
    result = await run(options)

    lines = result.lines()
    assert set(result.tallies) == {Platform.DISCORD, Platform.SLACK}
    for tally in result.tallies.values():
        assert tally.expected > 0
        assert (tally.lost, tally.duplicated) == (0, 0), lines
        assert tally.delivered == tally.expected
    total = sum(t.expected for t in result.tallies.values())
    assert lines[-1] == f"chaos: 4 kills, {total} expected, {total} delivered, 0 lost, 0 duplicated"
