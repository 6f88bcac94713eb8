"""The pack's conventions checked across files: spelling, tags, phase agreement, pace, the
per-phase minimums and declared renames."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.content.spelling import UK_TO_US, other_spellings
from tests.bot.content.sample_pack import errors_after

Files = dict[str, Any]


@pytest.mark.parametrize(
    ("text", "spelling", "found"),
    [
        (
            "We vectorised it and Optimise the rest.",
            "us",
            [("vectorised", "vectorized"), ("Optimise", "optimize")],
        ),
        (
            "Analyses of colour and behaviour",
            "us",
            [("colour", "color"), ("behaviour", "behavior")],
        ),
        ("A promise, an exercise, the analyses, its emphasis", "us", []),
        (
            "We vectorized the labeled data",
            "uk",
            [("vectorized", "vectorised"), ("labeled", "labelled")],
        ),
        ("We vectorised the labelled data", "uk", []),
    ],
)
def test_words_of_the_other_spelling_are_found_and_others_left_alone(
    text: str, spelling: Any, found: list[tuple[str, str]]
) -> None:
    assert list(other_spellings(text, spelling)) == found


def test_a_pack_that_states_its_spelling_is_held_to_it(tmp_path: Path) -> None:
    def british(files: Files) -> None:
        files["pack.yaml"]["spelling"] = "us"
        files["pack.yaml"]["description"] = "A pack to organise study."
        files["challenges/phase-1.yaml"][0]["brief"] = "Summarise a dataset."
        files["challenges/phase-1.yaml"][0]["skills"] = ["visualisation"]
        files["icebreakers.yaml"][0] = "What is your favourite model?"

    assert errors_after(tmp_path, british) == [
        "pack.yaml: description: write `organize`, not `organise`: this pack uses US spelling",
        "challenges/phase-1.yaml: [0].skills[0]: write `visualization`, not `visualisation`: "
        "this pack uses US spelling",
        "challenges/phase-1.yaml: [0].brief: write `summarize`, not `Summarise`: this pack "
        "uses US spelling",
        "icebreakers.yaml: [0]: write `favorite`, not `favourite`: this pack uses US spelling",
    ]


def test_ids_and_links_are_not_spelling(tmp_path: Path) -> None:
    def ids(files: Files) -> None:
        files["pack.yaml"]["spelling"] = "us"
        files["readings.yaml"][0]["url"] = "https://example.org/colour"
        files["challenges/phase-1.yaml"][0]["id"] = "p1-colour"
        files["challenges/phase-1.yaml"][1]["title"] = "Challenge two"
        files["challenges/phase-1.yaml"][2]["brief"] = "Break on purpose with hours: 0."
        files["challenges/phase-1.yaml"][2]["hours"] = 0

    assert errors_after(tmp_path, ids) == [
        "challenges/phase-1.yaml: [2].hours: must be at least 1",
    ]


def test_a_tag_is_the_topic_id_not_a_plural_or_singular_of_it(tmp_path: Path) -> None:
    def plural(files: Files) -> None:
        files["topics.yaml"].append({"id": "llm", "title": "Large language models"})
        files["challenges/phase-2.yaml"][0]["skills"] = ["llms", "python"]
        files["projects.yaml"][0]["skills"] = ["pythons"]

    assert errors_after(tmp_path, plural) == [
        "challenges/phase-2.yaml: [0].skills[0]: write `llm`, the topic id, not `llms`: one "
        "tag per idea",
        "projects.yaml: [0].skills[0]: write `python`, the topic id, not `pythons`: one tag "
        "per idea",
    ]


def test_projects_milestones_and_challenges_agree_on_their_phase(tmp_path: Path) -> None:
    def disagree(files: Files) -> None:
        files["phases.yaml"][0]["projects"] = ["project-1", "project-4"]
        files["challenges/phase-2.yaml"][0]["milestone"] = "p3-milestone-1"
        files["challenges/phase-2.yaml"][1]["project"] = "project-2"
        files["challenges/phase-2.yaml"][2]["project"] = "project-5"
        files["challenges/phase-2.yaml"][3]["milestone"] = "no-such-milestone"

    assert errors_after(tmp_path, disagree) == [
        "phases.yaml: [0].projects[1]: `project-4` is a phase 4 project in projects.yaml",
        "challenges/phase-2.yaml: [0].milestone: `p3-milestone-1` is in phase 3, this "
        "challenge in phase 2",
        "challenges/phase-2.yaml: [2].project: `project-5` is in phase 5, this challenge in "
        "phase 2",
        "challenges/phase-2.yaml: [3].milestone: unknown milestone `no-such-milestone`",
    ]


def test_a_challenge_continues_the_one_right_before_it(tmp_path: Path) -> None:
    def parts(files: Files) -> None:
        challenges = files["challenges/phase-3.yaml"]
        challenges[1]["continues"] = "p3-challenge-1"
        challenges[5]["continues"] = "p3-challenge-1"

    assert errors_after(tmp_path, parts) == [
        "challenges/phase-3.yaml: [5].continues: a challenge that continues `p3-challenge-1` "
        "comes right after it, in the same file",
    ]


def test_milestones_and_challenges_fit_the_weekly_hours_a_phase_states(tmp_path: Path) -> None:
    def heavy(files: Files) -> None:
        files["phases.yaml"][1]["weekly_hours"] = 5
        files["phases.yaml"][2]["weekly_hours"] = 7
        files["challenges/phase-3.yaml"][0]["hours"] = 8
        files["challenges/phase-4.yaml"][0]["hours"] = 12

    assert errors_after(tmp_path, heavy) == [
        "phases.yaml: [1].weekly_hours: the milestones take 80 h over 13 weeks, 7 h a week: "
        "more than the 5 h a week this phase states",
        "challenges/phase-3.yaml: [0].hours: 8 h is more than the 7 h a week phase 3 states; "
        "split it into parts that continue each other",
        "challenges/phase-4.yaml: [0].hours: must be at most 10",
    ]


def test_every_phase_needs_13_challenges(tmp_path: Path) -> None:
    def short(files: Files) -> None:
        files["challenges/phase-2.yaml"] = files["challenges/phase-2.yaml"][:12]
        files["challenges/phase-4.yaml"][0]["hours"] = "many"

    assert errors_after(tmp_path, short) == [
        "challenges/: challenges/phase-2.yaml has 12 challenges; each phase needs at least 13, "
        "one a week for a quarter",
        "challenges/phase-4.yaml: [0].hours: must be a whole number, not the text 'many'",
    ]


def test_a_rename_names_a_retired_id_once(tmp_path: Path) -> None:
    def renames(files: Files) -> None:
        milestones = files["phases.yaml"][0]["milestones"]
        milestones[0]["replaces"] = ["old-milestone", "p1-milestone-2"]
        files["phases.yaml"][1]["milestones"][0]["replaces"] = ["old-milestone"]
        files["challenges/phase-1.yaml"][0]["replaces"] = ["p4-old-challenge"]
        files["challenges/phase-1.yaml"][1]["replaces"] = ["p1-challenge-1"]

    assert errors_after(tmp_path, renames) == [
        "phases.yaml: [0].milestones[0].replaces[1]: `p1-milestone-2` is still the id of a "
        "milestone: only a retired id is replaced",
        "phases.yaml: [1].milestones[0].replaces[0]: `old-milestone` is already replaced by "
        "`p1-milestone-1`",
        "challenges/phase-1.yaml: [1].replaces[0]: `p1-challenge-1` is still the id of a "
        "challenge: only a retired id is replaced",
    ]


def test_the_word_list_goes_both_ways_without_contradicting_itself() -> None:
    assert not set(UK_TO_US.values()) & set(UK_TO_US)
    for uk, us in UK_TO_US.items():
        assert list(other_spellings(f"It was {uk}.", "us")) == [(uk, us)]
        assert list(other_spellings(f"It was {us}.", "uk")) == [(us, uk)]
        assert list(other_spellings(f"It was {us}.", "us")) == []
