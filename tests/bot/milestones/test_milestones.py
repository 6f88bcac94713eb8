"""Milestones through the dispatcher on the built-in pack: ticking off, the phase checklist,
moving on when a phase is complete, and autocomplete."""

from __future__ import annotations

from bot.app import Cohort
from bot.commands import Autocomplete
from bot.replies import ActionStyle, Tone
from tests.support import caller, ok, run


async def test_done_ticks_a_milestone_off_once_and_keeps_the_evidence(cohort: Cohort) -> None:
    await ok(cohort, "join")
    first = await ok(cohort, "done git-daily evidence:https://github.com/ada/exercises")
    assert "**Use Git and GitHub every day** is done" in first.body
    again = await ok(cohort, "done GIT-DAILY")
    assert "already completed" in again.body
    checklist = await ok(cohort, "milestones")
    line = next(i for i in checklist.items if "`git-daily`" in i)
    assert line.startswith("✅")
    assert "[evidence](https://github.com/ada/exercises)" in line
    assert next(f.value for f in checklist.fields if f.name.startswith("Phase 1")) == "1/12"


async def test_an_unknown_milestone_gets_the_nearest_ids(cohort: Cohort) -> None:
    await ok(cohort, "join")
    answer = await run(cohort, "done numpy-array")
    assert answer.tone is Tone.ERROR
    assert "Did you mean `numpy-arrays`" in answer.body
    bad_link = await run(cohort, "done numpy-arrays evidence:ftp://x.org")
    assert "expects an http(s) link" in bad_link.body


async def test_the_checklist_is_the_phase_the_calendar_puts_the_member_in(
    cohort: Cohort,
) -> None:
    await ok(cohort, "join start:2026-07-15")  # month 5: phase 2
    current = await ok(cohort, "milestones")
    assert current.title == "Phase 2: Machine learning algorithms"
    assert "is your phase now" in current.body
    other = await ok(cohort, "milestones phase:1")
    assert other.title == "Phase 1: Foundations"
    assert "is phase 1" in other.body
    assert "There is no phase 9" in (await run(cohort, "milestones phase:9")).body


async def test_finishing_a_phase_early_suggests_moving_the_start_date(cohort: Cohort) -> None:
    await ok(cohort, "join")
    phase = cohort.content.builtin().phases[0]
    for milestone in phase.milestones[:-1]:
        assert "Move on" not in (await ok(cohort, f"done {milestone.id}")).body
    last = await ok(cohort, f"done {phase.milestones[-1].id}")
    assert "You finished every milestone of phase 1" in last.body
    move = next(a for a in last.actions if a.style is ActionStyle.PRIMARY)
    assert move.command == "profile set start:2026-08-29"
    await ok(cohort, move.command)
    assert (await ok(cohort, "milestones")).title == "Phase 2: Machine learning algorithms"


async def test_milestone_ids_autocomplete_from_the_members_phase_first(cohort: Cohort) -> None:
    await ok(cohort, "join start:2026-07-15")
    found = await cohort.dispatcher.suggestions(caller(), Autocomplete.MILESTONE, "e")
    phase_two = {
        m.id
        for m in cohort.content.builtin().phases[1].milestones
        if "e" in f"{m.id} {m.title.lower()}"
    }
    assert found[0] in phase_two
    assert "python-fluency" not in found[: len(phase_two)]
    assert await cohort.dispatcher.suggestions(caller(), Autocomplete.MILESTONE, "python-flu") == [
        "python-fluency"
    ]
