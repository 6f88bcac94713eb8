"""`cohort content check`: an exit code and a report a person can act on."""

from __future__ import annotations

from pathlib import Path

from bot.content.check import check
from bot.content.loader import default_content_dir
from tests.bot.content.sample_pack import sample_files, write_pack


def test_a_valid_pack_gets_exit_code_0_and_a_summary(tmp_path: Path) -> None:
    code, report = check(write_pack(tmp_path))
    assert code == 0
    assert report.splitlines() == [
        f"Sample pack, version 1, at {tmp_path.resolve()}",
        "  5 phases with 40 milestones; a week takes 10 h, 10 h, 10 h, 10 h, 10 h",
        "  8 steps",
        "  65 weekly challenges; by phase 13, 13, 13, 13, 13",
        "  130 readings on 2 topics; by phase 26, 26, 26, 26, 26",
        "  2 certifications",
        "  5 projects: 2 beginner, 1 intermediate, 2 advanced",
        "  1 specializations: healthcare",
        "  30 icebreakers",
        "  6 check-in questions",
        "  1 feeds",
        "The pack is valid.",
    ]


def test_a_broken_pack_gets_exit_code_1_every_problem_and_a_count(tmp_path: Path) -> None:
    files = sample_files()
    files["pack.yaml"]["name"] = ""
    files["topics.yaml"][0]["title"] = "Py*thon"
    del files["feeds.yaml"]
    code, report = check(write_pack(tmp_path, files))
    assert code == 1
    assert report.splitlines() == [
        "pack.yaml: name: must not be empty (line 1)",
        r"topics.yaml: [0].title: a `*` is not closed on its line (write a literal * as \*) "
        "(line 2)",
        "feeds.yaml: missing: every pack has this file",
        f"3 problems in the content pack at {tmp_path.resolve()}",
    ]


def test_without_a_path_the_built_in_pack_is_checked() -> None:
    code, report = check(None)
    assert code == 0, report
    assert f"at {default_content_dir()}" in report.splitlines()[0]
