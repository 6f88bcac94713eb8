"""Checks across entries and files: phase coverage, unique ids, references, minimums, views."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.content.loader import load_pack
from tests.bot.content.sample_pack import errors_after as _errors_after
from tests.bot.content.sample_pack import sample_files, write_pack

Files = dict[str, Any]


def _months(files: Files, index: int, start: int, end: int | None) -> None:
    files["phases.yaml"][index]["months"] = {"start": start, "end": end}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda files: _months(files, 1, 3, 6),
            [
                "phases.yaml: [1].months.start: must be 4: each phase starts the month after "
                "the previous one ends, without gaps or overlaps"
            ],
        ),
        (
            lambda files: _months(files, 4, 13, 24),
            [
                "phases.yaml: [4].months.end: the last phase is open-ended: write `end: null` "
                "(year 2 and beyond)"
            ],
        ),
        (
            lambda files: (_months(files, 3, 10, 11), _months(files, 4, 12, None)),
            [
                "phases.yaml: [4].months.start: the open-ended last phase starts at month 13: "
                "the phases before it cover the first year, months 1-12"
            ],
        ),
        (
            lambda files: _months(files, 1, 4, None),
            [
                "phases.yaml: [1].months.end: only the last phase is open-ended (end: null)",
                "phases.yaml: [2].months.start: must be 5: each phase starts the month after "
                "the previous one ends, without gaps or overlaps",
            ],
        ),
        (
            lambda files: _months(files, 0, 2, 3),
            [
                "phases.yaml: [0].months.start: must be 1: each phase starts the month after "
                "the previous one ends, without gaps or overlaps"
            ],
        ),
    ],
    ids=["overlap", "closed-last-phase", "short-first-year", "open-middle-phase", "late-start"],
)
def test_phases_cover_the_months_without_gaps_or_overlaps(
    tmp_path: Path, change: Callable[[Files], object], expected: list[str]
) -> None:
    assert _errors_after(tmp_path, change) == expected


def test_the_first_year_may_be_split_differently(tmp_path: Path) -> None:
    files = sample_files()
    for index, (start, end) in enumerate([(1, 2), (3, 5), (6, 9), (10, 12), (13, None)]):
        _months(files, index, start, end)
    pack = load_pack(write_pack(tmp_path, files))
    assert [p.months.label() for p in pack.phases] == [
        "months 1-2",
        "months 3-5",
        "months 6-9",
        "months 10-12",
        "months 13+",
    ]


def test_phases_and_steps_are_numbered_in_file_order(tmp_path: Path) -> None:
    def swap(files: Files) -> None:
        files["phases.yaml"][0]["number"] = 2
        files["steps.yaml"][7]["number"] = 9

    assert _errors_after(tmp_path, swap) == [
        "phases.yaml: [0].number: must be 1: phases are numbered 1, 2, 3... in file order",
        "steps.yaml: [7].number: must be 8: steps are numbered 1, 2, 3... in file order",
    ]


def test_milestone_ids_are_unique_across_phases(tmp_path: Path) -> None:
    def repeat(files: Files) -> None:
        files["phases.yaml"][2]["milestones"][4]["id"] = "p1-milestone-2"

    assert _errors_after(tmp_path, repeat) == [
        "phases.yaml: [2].milestones[4].id: the milestone id `p1-milestone-2` is already used "
        "at [0].milestones[1]; milestone ids are unique across phases"
    ]


def test_references_to_phases_must_resolve(tmp_path: Path) -> None:
    def point_nowhere(files: Files) -> None:
        files["readings.yaml"][0]["phases"] = [2, 7]
        files["steps.yaml"][0]["phases"] = [6]
        files["projects.yaml"][1]["phase"] = 8

    assert _errors_after(tmp_path, point_nowhere) == [
        "steps.yaml: [0].phases[0]: there is no phase 6; phases.yaml has phases 1 to 5",
        "readings.yaml: [0].phases[1]: there is no phase 7; phases.yaml has phases 1 to 5",
        "projects.yaml: [1].phase: there is no phase 8; phases.yaml has phases 1 to 5",
    ]


def test_a_challenge_belongs_to_the_phase_of_its_file(tmp_path: Path) -> None:
    def misfile(files: Files) -> None:
        files["challenges/phase-2.yaml"][1]["phase"] = 3

    assert _errors_after(tmp_path, misfile) == [
        "challenges/phase-2.yaml: [1].phase: must be 2, the phase this file is for"
    ]


def test_a_year_of_challenges_has_52_distinct_ones(tmp_path: Path) -> None:
    def shrink(files: Files) -> None:
        files["challenges/phase-5.yaml"] = files["challenges/phase-5.yaml"][:6]
        files["challenges/phase-4.yaml"][2]["title"] = "challenge 1 OF PHASE 4"

    assert _errors_after(tmp_path, shrink) == [
        "challenges/: challenges/phase-5.yaml has 6 challenges; each phase needs at least 13, "
        "one a week for a quarter",
        "challenges/phase-4.yaml: [2].title: the same title as [0]: a year of weekly "
        "challenges has no repeats",
    ]


def test_readings_need_26_a_phase_and_known_topics(tmp_path: Path) -> None:
    def shrink(files: Files) -> None:
        files["readings.yaml"] = files["readings.yaml"][:129]
        files["feeds.yaml"][0]["tags"] = ["news"]

    assert _errors_after(tmp_path, shrink) == [
        "readings.yaml: phase 1 has 25 readings; each phase needs at least 26",
        "feeds.yaml: [0].tags[0]: unknown topic `news`: no entry of topics.yaml has this id",
    ]


def test_check_in_questions_are_the_ones_the_check_in_asks(tmp_path: Path) -> None:
    def rename(files: Files) -> None:
        files["checkin.yaml"][1]["id"] = "time"

    assert _errors_after(tmp_path, rename) == [
        "checkin.yaml: the question `hours` is missing; the check-in asks: done, hours, next, "
        "blockers, milestones, confidence",
        "checkin.yaml: [1].id: `time` is not a check-in question; the check-in asks: done, "
        "hours, next, blockers, milestones, confidence",
    ]


def test_icebreakers_do_not_repeat(tmp_path: Path) -> None:
    def repeat(files: Files) -> None:
        files["icebreakers.yaml"][7] = "sample question NUMBER 3?"

    assert _errors_after(tmp_path, repeat) == ["icebreakers.yaml: [7]: the same question as [2]"]


def test_a_reference_to_an_entry_with_its_own_problem_is_not_reported_twice(
    tmp_path: Path,
) -> None:
    def break_project(files: Files) -> None:
        files["projects.yaml"][3]["level"] = "expert"

    assert _errors_after(tmp_path, break_project) == [
        "projects.yaml: [3].level: must be one of 'beginner', 'intermediate' or 'advanced'"
    ]


def test_a_phase_too_big_for_one_message_is_reported(tmp_path: Path) -> None:
    def grow(files: Files) -> None:
        files["phases.yaml"][0]["weekly_hours"] = 20
        milestones = files["phases.yaml"][0]["milestones"]
        for index in range(9, 21):
            milestones.append(
                {
                    "id": f"extra-{index}",
                    "title": f"An extra milestone number {index}",
                    "done_when": "A long sentence that says what done looks like. " * 6,
                    "hours": 5,
                }
            )

    errors = _errors_after(tmp_path, grow)
    assert errors
    assert all(e.startswith("phases.yaml: [0]: ") for e in errors)
    assert "phases.yaml: [0]: phase 1 does not fit in a message: the list has" in errors[0]
