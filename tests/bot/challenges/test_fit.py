"""Challenges that fit the members: by default the track is the phase most active members
are in, an organizer's choice still wins, and `challenge mine` shows a member the challenge of
their own phase."""

from __future__ import annotations

import pytest

from bot.app import Cohort
from bot.challenges.service import busiest_phase
from bot.replies import Tone
from tests.support import caller, reply, text_of

ORGANIZER = caller("org", admin=True)
PHASE_1 = "start:2026-11-01"  # a month into the roadmap on the test clock's 2026-11-29
PHASE_3 = "start:2026-04-01"  # month 8


@pytest.mark.parametrize(
    ("phases", "busiest"),
    [([], None), ([3], 3), ([1, 1, 5], 1), ([5, 2, 5, 2], 2), ([4, 4, 4, 1, 1], 4)],
)
def test_the_busiest_phase_wins_and_a_tie_goes_to_the_earlier(
    phases: list[int], busiest: int | None
) -> None:
    assert busiest_phase(phases) == busiest


async def _join(cohort: Cohort, name: str, start: str) -> None:
    answer = reply(await cohort.dispatcher.run_line(caller(name), f"join {start}"))
    assert answer.tone is not Tone.ERROR, answer.body


async def _post(cohort: Cohort) -> str:
    await cohort.dispatcher.run_line(ORGANIZER, "setup challenges:#challenges")
    answer = reply(await cohort.dispatcher.run_line(ORGANIZER, "challenge post-now"))
    assert answer.tone is Tone.SUCCESS, answer.body
    return text_of(await cohort.dispatcher.run_line(caller("ada"), "challenge"))


async def test_a_new_community_gets_the_challenges_of_its_members_phase(cohort: Cohort) -> None:
    pack = cohort.content.builtin()
    for name, start in (("ada", PHASE_1), ("bo", PHASE_1), ("cy", PHASE_3)):
        await _join(cohort, name, start)
    shown = await _post(cohort)
    first_of_phase_1 = next(c for c in pack.challenges if c.phase == 1)
    assert first_of_phase_1.title in shown
    preview = text_of(await cohort.dispatcher.run_line(ORGANIZER, "challenge preview"))
    second_of_phase_1 = [c for c in pack.challenges if c.phase == 1][1]
    assert second_of_phase_1.title in preview


async def test_the_organizers_track_is_still_honoured(cohort: Cohort) -> None:
    pack = cohort.content.builtin()
    for name in ("ada", "bo"):
        await _join(cohort, name, PHASE_1)
    chosen = text_of(await cohort.dispatcher.run_line(ORGANIZER, "challenge track 4"))
    assert "phase 4" in chosen
    shown = await _post(cohort)
    assert next(c for c in pack.challenges if c.phase == 4).title in shown
    back = text_of(await cohort.dispatcher.run_line(ORGANIZER, "challenge track auto"))
    assert "the phase most active members are in, checked each week; now phase 1" in back


async def test_mine_shows_a_member_the_challenge_of_their_own_phase(cohort: Cohort) -> None:
    pack = cohort.content.builtin()
    for name, start in (("ada", PHASE_1), ("bo", PHASE_1), ("cy", PHASE_3)):
        await _join(cohort, name, start)
    await _post(cohort)
    shown = reply(await cohort.dispatcher.run_line(caller("cy"), "challenge"))
    assert [a.command for a in shown.actions] == ["challenge mine"]
    own = reply(await cohort.dispatcher.run_line(caller("cy"), "challenge mine"))
    first_of_phase_3 = next(c for c in pack.challenges if c.phase == 3)
    assert own.title == f"Your phase's challenge: {first_of_phase_3.title}"
    assert "from another phase" in own.body
    same = reply(await cohort.dispatcher.run_line(caller("ada"), "challenge mine"))
    assert "It is also this week's challenge here" in same.body
    stranger = reply(await cohort.dispatcher.run_line(caller("zed"), "challenge mine"))
    assert stranger.tone is Tone.ERROR
