"""The built-in pack in content/: valid, complete, and every view of it fits a message."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.challenges import messages as challenge_messages
from bot.content.limits import fits
from bot.content.loader import default_content_dir, load_pack
from bot.content.model import CHECKIN_QUESTIONS, LEVELS, ContentPack
from bot.replies import Reply
from bot.roadmap import library_messages as library
from bot.roadmap import messages
from bot.roadmap.fit import SLOWEST
from bot.roadmap.model import MAX_MONTH
from bot.roadmap.service import month_plan

INDUSTRIES = (
    "healthcare",
    "finance",
    "e-commerce",
    "gaming",
    "cybersecurity",
    "autonomous-systems",
)
NAMED_PROJECTS = (
    "sentiment-analysis",
    "faq-chatbot",
    "house-price-regression",
    "fraud-detection",
    "medical-imaging",
    "autonomous-navigation",
)


@pytest.fixture(scope="module")
def pack() -> ContentPack:
    return load_pack(default_content_dir())


def test_the_built_in_pack_loads_without_problems(pack: ContentPack) -> None:
    assert pack.root == default_content_dir()
    assert pack.info.version >= 1


def test_the_phases_follow_the_roadmap_quarters_then_year_two(pack: ContentPack) -> None:
    assert [(p.months.start, p.months.end) for p in pack.phases] == [
        (1, 3),
        (4, 6),
        (7, 9),
        (10, 12),
        (13, None),
    ]


def test_every_phase_has_enough_milestones_resources_and_projects(pack: ContentPack) -> None:
    for phase in pack.phases:
        assert len(phase.milestones) >= 8, phase.id
        assert 3 <= len(phase.resources) <= 6, phase.id
        assert 3 <= len(phase.goals) <= 6, phase.id
        assert phase.projects, phase.id
        assert all(1 <= m.hours <= 200 for m in phase.milestones), phase.id


def test_the_pack_meets_the_documented_minimums(pack: ContentPack) -> None:
    assert [s.number for s in pack.steps] == list(range(1, 9))
    assert len(pack.challenges) >= 52
    assert len(pack.readings) >= 60
    assert len(pack.icebreakers) >= 30
    assert tuple(q.id for q in pack.checkin) == CHECKIN_QUESTIONS


def test_every_phase_has_challenges_and_readings(pack: ContentPack) -> None:
    for phase in pack.phases:
        assert any(c.phase == phase.number for c in pack.challenges), phase.number
        assert any(phase.number in r.phases for r in pack.readings), phase.number


def test_certifications_span_providers_and_levels(pack: ContentPack) -> None:
    assert len(pack.certifications) >= 8
    assert len({c.provider for c in pack.certifications}) >= 4
    assert {"foundational", "associate", "professional"} <= {c.level for c in pack.certifications}
    assert all(c.checked <= date(2026, 11, 29) for c in pack.certifications)


def test_projects_run_from_beginner_to_advanced_with_the_named_ones(pack: ContentPack) -> None:
    ids = {p.id for p in pack.projects}
    assert len(pack.projects) >= 15
    assert set(NAMED_PROJECTS) <= ids
    assert {p.level for p in pack.projects} == set(LEVELS)


def test_the_six_industries_are_there(pack: ContentPack) -> None:
    assert set(INDUSTRIES) <= {s.id for s in pack.specializations}


def _views(pack: ContentPack) -> list[tuple[str, Reply]]:
    views: list[tuple[str, Reply]] = [("overview", messages.overview(pack, None))]
    for phase in pack.phases:
        views.append((f"phase {phase.number}", messages.phase(pack, phase, None)))
        views.append((f"phase {phase.number} at 1 h a week", messages.phase(pack, phase, SLOWEST)))
        views.append((f"resources {phase.number}", library.phase_resources(pack, phase)))
    views += [(f"month {m}", messages.month(month_plan(pack, m))) for m in range(1, MAX_MONTH + 1)]
    views += [(f"step {s.number}", messages.step(pack, s)) for s in pack.steps]
    deadline = datetime(2026, 12, 6, 9, tzinfo=UTC)
    views += [
        (f"challenge {c.id}", challenge_messages.announcement(c, deadline, late=True, zone="UTC"))
        for c in pack.challenges
    ]
    views += [(f"topic {t.id}", library.topic_readings(pack, t, None)) for t in pack.topics]
    views.append(("projects", library.projects(pack, None)))
    views += [(f"projects {level}", library.projects(pack, level)) for level in LEVELS]
    views.append(("certifications", library.certifications(pack)))
    views.append(("specializations", library.specializations(pack)))
    views += [(s.id, library.specialization(pack, s)) for s in pack.specializations]
    return views


def test_every_view_fits_the_platform_limits(pack: ContentPack) -> None:
    problems = {name: fits(reply) for name, reply in _views(pack)}
    assert {name: found for name, found in problems.items() if found} == {}


def test_list_views_show_everything_without_truncation(pack: ContentPack) -> None:
    certifications = library.certifications(pack)
    assert len(certifications.fields) == len(pack.certifications)
    for level in LEVELS:
        shown = library.projects(pack, level)
        assert len(shown.fields) == sum(p.level == level for p in pack.projects)
    assert len(library.specializations(pack).items) == len(pack.specializations)
