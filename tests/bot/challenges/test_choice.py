"""Which challenge comes next: track order and rotation without repeats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.challenges.service import choose_next, track_order
from bot.content.loader import default_content_dir, load_pack

PACK = load_pack(default_content_dir())


def test_the_all_track_rotates_through_the_phases() -> None:
    order = track_order(PACK, "all")
    assert [c.phase for c in order[:10]] == [1, 2, 3, 4, 5, 1, 2, 3, 4, 5]
    assert len(order) == len(PACK.challenges)
    assert len({c.id for c in order}) == len(order)


def test_the_second_week_of_a_challenge_follows_its_first_on_every_track() -> None:
    parts = [c for c in PACK.challenges if c.continues]
    assert parts
    for track in ("all", "3", "5"):
        order = [c.id for c in track_order(PACK, track)]
        for part in parts:
            if part.id in order:
                assert order[order.index(part.id) - 1] == part.continues, (track, part.id)


def test_a_phase_track_keeps_the_phase_order() -> None:
    order = track_order(PACK, "3")
    assert order == [c for c in PACK.challenges if c.phase == 3]


def test_a_year_of_weekly_posts_never_repeats() -> None:
    order = track_order(PACK, "all")
    posted: dict[str, datetime] = {}
    start = datetime(2026, 1, 5, tzinfo=UTC)
    for week in range(52):
        chosen = choose_next(order, posted)
        assert chosen is not None
        assert chosen.id not in posted
        posted[chosen.id] = start + timedelta(weeks=week)


@given(st.lists(st.integers(min_value=0, max_value=10_000), unique=True, min_size=1))
def test_once_every_challenge_was_posted_the_oldest_comes_back_first(ages: list[int]) -> None:
    order = track_order(PACK, "1")[: len(ages)]
    now = datetime(2027, 1, 1, tzinfo=UTC)
    posted = {c.id: now - timedelta(hours=a) for c, a in zip(order, ages, strict=False)}
    chosen = choose_next(order, posted)
    assert chosen is not None
    assert posted[chosen.id] == min(posted.values())
