"""The roadmap commands through the dispatcher, on the built-in pack and on a custom one."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import Cohort
from bot.clock import ManualClock
from bot.content.problems import ContentError
from bot.replies import Tone
from bot.settings import Settings
from bot.storage.database import Database
from tests.bot.content.sample_pack import sample_files, write_pack
from tests.support import COMMUNITY, caller, ok, run, text_of


async def _error(cohort: Cohort, line: str) -> str:
    answer = await run(cohort, line)
    assert answer.tone is Tone.ERROR, answer
    return answer.body


async def _use_pack(cohort: Cohort, root: Path) -> None:
    """Offer the pack at `root` in the packs folder and switch the community to it."""
    cohort.content.packs_dir = root.parent
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    await cohort.communities.configure(community, content_dir=root.name)


async def test_the_overview_lists_the_phases_and_invites_to_join(cohort: Cohort) -> None:
    answer = await ok(cohort, "roadmap")
    shown = text_of(answer)
    assert answer.title == "Cohort AI-engineer roadmap"
    for label in ("months 1-3", "months 4-6", "months 7-9", "months 10-12", "months 13+"):
        assert label in shown
    assert "haven't joined yet" in shown
    assert [a.command for a in answer.actions] == ["join", "roadmap phase:1", "roadmap step:1"]


async def test_a_member_sees_the_month_week_and_phase_they_are_in(cohort: Cohort) -> None:
    await cohort.dispatcher.run_line(caller(), "join start:2026-07-15 hours:6")
    answer = await ok(cohort, "roadmap")
    shown = text_of(answer)
    assert "month 5, week 20: phase 2, Machine learning algorithms, month 2 of 3" in shown
    assert "week 7 of the phase" in shown
    assert answer.fields[0].name == "This month"
    assert [a.command for a in answer.actions] == [
        "roadmap month:5",
        "roadmap phase:2",
        "resources phase:2",
    ]


async def test_a_member_who_starts_later_is_told_when(cohort: Cohort) -> None:
    await cohort.dispatcher.run_line(caller(), "join start:2026-12-06")
    shown = text_of(await ok(cohort, "roadmap"))
    assert "Your journey starts on 2026-12-06 (in 7 days)" in shown


async def test_the_standing_moves_with_the_clock(cohort: Cohort, clock: ManualClock) -> None:
    await cohort.dispatcher.run_line(caller(), "join")
    assert "month 1, week 1: phase 1" in text_of(await ok(cohort, "roadmap"))
    clock.advance(timedelta(days=400))
    assert "month 14, week 58: phase 5, Specialization, month 2 of 12" in text_of(
        await ok(cohort, "roadmap")
    )


async def test_a_month_view_shows_its_phase_and_milestones(cohort: Cohort) -> None:
    answer = await ok(cohort, "roadmap month:5")
    assert answer.title == "Month 5 · phase 2, Machine learning algorithms"
    assert answer.body.startswith("Month 2 of 3 in phase 2")
    assert answer.items
    assert [a.command for a in answer.actions] == [
        "roadmap month:4",
        "roadmap phase:2",
        "roadmap month:6",
        "resources phase:2",
    ]


@pytest.mark.parametrize("month", [13, 18, 24])
async def test_months_of_year_two_belong_to_the_specialization_phase(
    cohort: Cohort, month: int
) -> None:
    answer = await ok(cohort, f"roadmap month:{month}")
    assert answer.title == f"Month {month} · phase 5, Specialization"
    assert f"Month {month - 12} of 12 in phase 5" in answer.body


async def test_a_phase_view_has_goals_resources_projects_and_milestones(cohort: Cohort) -> None:
    answer = await ok(cohort, "roadmap phase:2")
    assert answer.title == "Phase 2 · Machine learning algorithms"
    for heading in ("**Goals**", "**Resources**", "**Projects**", "**Milestones**"):
        assert heading in answer.body
    assert "[scikit-learn User Guide](https://scikit-learn.org/stable/user_guide.html)" in (
        answer.body
    )
    assert len(answer.items) >= 8
    assert "Predict house prices with regression" in answer.body


async def test_a_phase_view_warns_when_the_members_hours_fall_short(cohort: Cohort) -> None:
    await cohort.dispatcher.run_line(caller(), "join hours:3")
    shown = text_of(await ok(cohort, "roadmap phase:1"))
    assert "At your 3 h a week it takes about 49 weeks" in shown


async def test_a_step_view_is_a_guide_pointing_at_phases(cohort: Cohort) -> None:
    answer = await ok(cohort, "roadmap step:3")
    assert answer.title == "Step 3 of 8 · Move from developer to AI"
    assert "**This week**" in answer.body
    assert "roadmap phase:2" in [a.command for a in answer.actions]
    assert answer.actions[-1].command == "roadmap step:4"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("roadmap phase:9", "There is no phase 9: this roadmap has phases 1 to 5."),
        ("roadmap phase:0", "There is no phase 0: this roadmap has phases 1 to 5."),
        ("roadmap step:12", "There is no step 12: the guide has steps 1 to 8."),
        ("roadmap month:25", "`month` must be between 1 and 24; you gave 25."),
        ("roadmap month:soon", "`month` expects a whole number"),
        ("roadmap phase:2 month:5", "Give one of `phase`, `step` or `month`, not several"),
        ("resources phase:7", "There is no phase 7"),
        ("projects level:expert", "`level` must be one of beginner, intermediate, advanced"),
    ],
)
async def test_bad_input_gets_a_clear_error(cohort: Cohort, line: str, message: str) -> None:
    assert message in await _error(cohort, line)


async def test_resources_default_to_the_callers_phase(cohort: Cohort) -> None:
    first = await ok(cohort, "resources")
    assert first.title == "Resources for phase 1 · Foundations"
    assert "**Core**" in first.body
    await cohort.dispatcher.run_line(caller(), "join start:2026-01-15")
    assert (await ok(cohort, "resources")).title.startswith("Resources for phase 4")


async def test_resources_by_phase_and_by_topic(cohort: Cohort) -> None:
    pack = cohort.content.builtin()
    topic = pack.topics[0]
    by_topic = await ok(cohort, f"resources topic:{topic.id}")
    assert by_topic.title == f"Readings on {topic.title}"
    count = sum(topic.id in r.topics for r in pack.readings)
    shown = len(by_topic.items)
    assert shown == count or f"Showing {shown} of {count}" in by_topic.body
    both = await ok(cohort, f'resources phase:3 topic:"{topic.title}"')
    assert both.title == f"{topic.title} for phase 3"


async def test_an_unknown_topic_suggests_near_ones(cohort: Cohort) -> None:
    pack = cohort.content.builtin()
    topic = pack.topics[0].id
    error = await _error(cohort, f"resources topic:{topic}x")
    assert f"There is no topic “{topic}x”" in error
    assert f"Did you mean `{topic}`" in error


async def test_projects_by_level(cohort: Cohort) -> None:
    overview = await ok(cohort, "projects")
    assert [f.name.split(" (")[0] for f in overview.fields] == [
        "Beginner",
        "Intermediate",
        "Advanced",
    ]
    advanced = await ok(cohort, "projects level:advanced")
    names = [f.name for f in advanced.fields]
    assert "Detect card fraud · phase 4" in names
    assert "Analyze medical images · phase 5" in names


async def test_certifications_link_to_the_providers(cohort: Cohort) -> None:
    answer = await ok(cohort, "certifications")
    assert len(answer.fields) >= 8
    assert all("[Official page](https://" in f.value for f in answer.fields)
    assert "last checked on 2026-11-29" in answer.body


async def test_specializations_by_id_or_by_name(cohort: Cohort) -> None:
    listing = await ok(cohort, "specializations")
    assert len(listing.items) >= 6
    health = await ok(cohort, "specializations industry:healthcare")
    assert health.title == "Specializing in Healthcare"
    by_name = await ok(cohort, 'specializations industry:"Autonomous systems"')
    assert by_name.title == "Specializing in Autonomous systems"
    error = await _error(cohort, "specializations industry:helthcare")
    assert "Did you mean `healthcare`?" in error


async def test_every_button_runs_a_command_that_answers(cohort: Cohort) -> None:
    await cohort.dispatcher.run_line(caller("org"), "join start:2026-07-15")
    lines = [
        "roadmap",
        "roadmap phase:1",
        "roadmap phase:5",
        "roadmap month:1",
        "roadmap month:24",
        "roadmap step:1",
        "roadmap step:8",
        "specializations industry:finance",
    ]
    for line in lines:
        for action in (await run(cohort, line, "org")).actions:
            answer = await run(cohort, action.command, "org")
            assert answer.tone is not Tone.ERROR, (line, action.command, answer.body)


async def test_a_community_pack_replaces_the_built_in_one(cohort: Cohort, tmp_path: Path) -> None:
    custom = sample_files()
    custom["pack.yaml"]["name"] = "Our own roadmap"
    custom["specializations.yaml"][0]["id"] = "agriculture"
    custom["specializations.yaml"][0]["industry"] = "Agriculture"
    await _use_pack(cohort, write_pack(tmp_path / "ours", custom))
    assert (await ok(cohort, "roadmap")).title == "Our own roadmap"
    farming = await ok(cohort, "specializations industry:agriculture")
    assert farming.title == "Specializing in Agriculture"
    assert "`machine-learning`" in await _error(cohort, "resources topic:ml")


async def test_a_broken_community_pack_gives_a_clear_error(cohort: Cohort, tmp_path: Path) -> None:
    files = sample_files()
    del files["steps.yaml"]
    await _use_pack(cohort, write_pack(tmp_path / "broken", files))
    error = await _error(cohort, "roadmap")
    assert "content pack has 1 problem" in error
    assert "cohort content check" in error


async def test_a_broken_built_in_pack_stops_the_start_with_every_problem(
    settings: Settings, clock: ManualClock, db: Database, tmp_path: Path
) -> None:
    files = sample_files()
    files["pack.yaml"]["version"] = "one"
    del files["checkin.yaml"]
    settings.content_dir = write_pack(tmp_path, files)
    with pytest.raises(ContentError) as caught:
        await Cohort(settings, clock, db).start()
    assert caught.value.errors == [
        "pack.yaml: version: must be a whole number, not the text 'one' (line 2)",
        "checkin.yaml: missing: every pack has this file",
    ]
