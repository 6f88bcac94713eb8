"""Loading a pack directory: every problem of every file at once, each with its location."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.content.loader import FILES, load_pack
from bot.content.problems import ContentError
from tests.bot.content.sample_pack import CHALLENGES_PER_PHASE, sample_files, write_pack


def _errors(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_pack(root)
    return caught.value.errors


def _without_lines(errors: list[str]) -> list[str]:
    return [re.sub(r" \(line \d+\)$", "", error) for error in errors]


def test_the_sample_pack_loads_in_file_order(tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path))
    assert pack.info.name == "Sample pack"
    assert [p.number for p in pack.phases] == [1, 2, 3, 4, 5]
    assert len(pack.challenges) == 5 * CHALLENGES_PER_PHASE
    assert [c.phase for c in pack.challenges] == sorted(c.phase for c in pack.challenges)
    assert pack.challenges[0].id == "p1-challenge-1"
    assert len(pack.readings) == 130
    assert pack.checkin[0].id == "done"
    assert pack.root == tmp_path.resolve()


def test_a_broken_pack_reports_every_problem_at_once_with_its_location(tmp_path: Path) -> None:
    files = sample_files()
    files["pack.yaml"]["version"] = 0
    files["phases.yaml"][1]["milestones"][0]["hours"] = "20"
    files["phases.yaml"][2]["months"]["start"] = 8
    files["steps.yaml"][2]["summary"] = "Step three (the hard one)."
    files["challenges/phase-2.yaml"][3]["checklist"] = ["Only one.", "Only two."]
    files["challenges/phase-3.yaml"][0]["id"] = "p1-challenge-1"
    files["readings.yaml"][5]["topics"] = ["python", "quantum"]
    files["certifications.yaml"][0]["url"] = "http://example.org/certification"
    files["projects.yaml"][0]["titel"] = files["projects.yaml"][0].pop("title")
    files["specializations.yaml"][0]["projects"] = ["project-9"]
    files["icebreakers.yaml"] = files["icebreakers.yaml"][:29]
    files["checkin.yaml"] = files["checkin.yaml"][:5]
    files["phase.yaml"] = []
    errors = _errors(write_pack(tmp_path, files))

    assert _without_lines(errors) == [
        "pack.yaml: version: must be at least 1",
        "phases.yaml: [1].milestones[0].hours: must be a whole number, not the text '20'",
        "phases.yaml: [2].months.start: must be 7: each phase starts the month after the "
        "previous one ends, without gaps or overlaps",
        r"steps.yaml: [2].summary: a literal ( must be written \( or avoided",
        "challenges/phase-2.yaml: [3].checklist: at least 3 items (found 2)",
        "challenges/phase-3.yaml: [0].id: the id `p1-challenge-1` is already used at "
        "challenges/phase-1.yaml [0]",
        "readings.yaml: [5].topics[1]: unknown topic `quantum`: no entry of topics.yaml has "
        "this id",
        "certifications.yaml: [0].url: must be an https link such as https://example.org/page",
        "projects.yaml: [0].title: is required but missing",
        "projects.yaml: [0].titel: is not a known field; did you mean `title`? fields here: id, "
        "title, level, phase, summary, skills, datasets",
        "specializations.yaml: [0].projects[0]: unknown project `project-9`: no entry of "
        "projects.yaml has this id",
        "icebreakers.yaml: has 29 entries; a pack needs at least 30",
        "checkin.yaml: the question `confidence` is missing; the check-in asks: done, hours, "
        "next, blockers, milestones, confidence",
        f"phase.yaml: is not a pack file (a pack has {', '.join(FILES)}); did you mean "
        "phases.yaml?",
    ]
    located = [e for e in errors if "[" in e.split(": ")[1]]
    assert located, "entry problems carry the line they are on"
    assert all(re.search(r" \(line \d+\)$", e) for e in located)


def test_problems_point_at_the_line_of_the_value(tmp_path: Path) -> None:
    write_pack(tmp_path)
    (tmp_path / "certifications.yaml").write_text(
        "# A comment first.\n"
        "- id: certification-1\n"
        "  provider: Example Cloud\n"
        "  name: Example Certified\n"
        "  exam: EX-100\n"
        "  level: expert\n"
        "  url: https://example.org/certification\n"
        "  cost: about 150 USD\n"
        "  validity: 2 years\n"
        "  phase: 4\n"
        "  checked: 2026-11-29\n",
        "utf-8",
    )
    assert _errors(tmp_path) == [
        "certifications.yaml: [0].covers: is required but missing (line 2)",
        "certifications.yaml: [0].level: must be one of 'foundational', 'associate', "
        "'professional' or 'specialty' (line 6)",
    ]


def test_malformed_yaml_gives_its_line_and_the_other_files_are_still_checked(
    tmp_path: Path,
) -> None:
    files = sample_files()
    files["feeds.yaml"][0]["url"] = "ftp://example.org/feed"
    write_pack(tmp_path, files)
    (tmp_path / "topics.yaml").write_text(
        "- id: python\n  title: Python\n- id: machine-learning\n  title: [unclosed\n", "utf-8"
    )
    errors = _errors(tmp_path)
    assert len(errors) == 2
    assert errors[0].startswith("topics.yaml: is not valid YAML at column ")
    assert errors[0].endswith("(line 5)")
    assert errors[1].startswith("feeds.yaml: [0].url: must be an https link")


def test_a_key_given_twice_is_reported_where_it_repeats(tmp_path: Path) -> None:
    write_pack(tmp_path)
    (tmp_path / "pack.yaml").write_text(
        "name: Sample pack\nversion: 1\ndescription: A pack.\nname: Other name\n", "utf-8"
    )
    assert _errors(tmp_path) == [
        "pack.yaml: name: is given twice in the same entry; YAML keeps only the last (line 4)"
    ]


def test_missing_files_and_a_missing_challenges_directory_are_each_reported(
    tmp_path: Path,
) -> None:
    files = {
        name: data
        for name, data in sample_files().items()
        if name not in ("steps.yaml", "feeds.yaml") and not name.startswith("challenges/")
    }
    assert _errors(write_pack(tmp_path, files)) == [
        "steps.yaml: missing: every pack has this file",
        "challenges/: missing: every pack has a challenges directory with phase-N.yaml files",
        "feeds.yaml: missing: every pack has this file",
    ]


def test_badly_named_challenge_files_are_reported(tmp_path: Path) -> None:
    files = sample_files()
    files["challenges/week-1.yaml"] = files.pop("challenges/phase-5.yaml")
    errors = _errors(write_pack(tmp_path, files))
    assert (
        "challenges/week-1.yaml: is not a challenges file: name them phase-1.yaml, "
        "phase-2.yaml..." in errors
    )


@pytest.mark.parametrize(
    ("file", "text", "error"),
    [
        ("phases.yaml", "number: 1\n", "phases.yaml: must be a list of entries, not a mapping"),
        ("readings.yaml", "", "readings.yaml: must be a list of entries, not empty"),
        (
            "icebreakers.yaml",
            "- " + "\n- ".join(f"Question {n}?" for n in range(29)) + "\n- No\n",
            "icebreakers.yaml: [29]: must be text, not false (quote it if you meant text) "
            "(line 30)",
        ),
        (
            "pack.yaml",
            "name: Sample\nversion: '1'\ndescription: A pack.\n",
            "pack.yaml: version: must be a whole number, not the text '1' (line 2)",
        ),
    ],
)
def test_values_of_the_wrong_type_are_named_in_plain_words(
    tmp_path: Path, file: str, text: str, error: str
) -> None:
    write_pack(tmp_path)
    (tmp_path / file).write_text(text, "utf-8")
    assert error in _errors(tmp_path)


def test_a_path_that_is_not_a_directory_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    assert _errors(missing) == [f"{missing}: not a directory with a content pack"]


def test_text_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    write_pack(tmp_path)
    (tmp_path / "topics.yaml").write_bytes(b"- id: python\n  title: Caf\xe9\n")
    assert _errors(tmp_path) == ["topics.yaml: is not UTF-8 text"]


def test_a_character_yaml_refuses_is_reported_with_its_line(tmp_path: Path) -> None:
    write_pack(tmp_path)
    (tmp_path / "topics.yaml").write_text("- id: python\n  title: Py\x07thon\n", "utf-8")
    assert _errors(tmp_path) == [
        "topics.yaml: is not valid YAML: unacceptable character #x0007: control characters "
        "are not allowed (line 2)"
    ]


def test_an_entry_that_contains_itself_is_an_error_not_a_hang(tmp_path: Path) -> None:
    write_pack(tmp_path)
    (tmp_path / "topics.yaml").write_text(
        "- &loop\n  id: python\n  title: [*loop]\n- id: machine-learning\n  title: ML\n", "utf-8"
    )
    assert _errors(tmp_path) == ["topics.yaml: [0].title: must be text, not a list (line 3)"]


def test_a_file_that_cannot_be_read_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_pack(tmp_path)
    original = Path.read_text

    def refuse(path: Path, *args: object, **kwargs: object) -> str:
        if path.name == "steps.yaml":
            raise PermissionError(13, "Permission denied")
        return original(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", refuse)
    assert _errors(tmp_path) == ["steps.yaml: cannot be read: Permission denied"]
