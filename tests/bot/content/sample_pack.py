"""A small valid content pack built in code, for tests that need a pack they control.

`sample_files()` gives the files as data (a fresh copy each time, to break as a test likes),
`write_pack` writes them as YAML and `errors_after` lists the problems of a broken copy. The
pack is as small as the documented minimums allow.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.app import PACK_CHECKS
from bot.content.loader import load_pack
from bot.content.problems import ContentError

CHECKED = date(2026, 11, 29)
PHASE_MONTHS = ((1, 3), (4, 6), (7, 9), (10, 12), (13, None))
LEVEL_OF_PHASE = {1: "beginner", 2: "beginner", 3: "intermediate", 4: "advanced", 5: "advanced"}
CHALLENGES_PER_PHASE = 13
READINGS_PER_PHASE = 26


def _phase(number: int, start: int, end: int | None) -> dict[str, Any]:
    return {
        "number": number,
        "id": f"phase-{number}",
        "title": f"Phase {number} title",
        "months": {"start": start, "end": end},
        "weekly_hours": 10,
        "summary": f"What phase {number} is about, in two sentences. It is a sample.",
        "goals": [f"Goal {goal} of phase {number}." for goal in range(1, 4)],
        "milestones": [
            {
                "id": f"p{number}-milestone-{index}",
                "title": f"Milestone {index} of phase {number}",
                "done_when": f"Milestone {index} is done when a test says so.",
                "hours": 10,
            }
            for index in range(1, 9)
        ],
        "resources": [
            {
                "title": f"Resource {index} of phase {number}",
                "url": f"https://example.org/phase-{number}/{index}",
                "kind": "docs",
                "cost": "free",
            }
            for index in range(1, 4)
        ],
        "projects": [f"project-{number}"],
    }


def _challenge(phase: int, index: int) -> dict[str, Any]:
    return {
        "id": f"p{phase}-challenge-{index}",
        "title": f"Challenge {index} of phase {phase}",
        "phase": phase,
        "difficulty": "easy",
        "skills": ["python"],
        "hours": 3,
        "brief": "Build a small thing and explain why it matters.",
        "deliverable": "A repo link.",
        "checklist": ["It runs.", "It has tests.", "It has a README."],
        "stretch": "Make it faster.",
        "hints": ["Start small."],
    }


def sample_files() -> dict[str, Any]:
    """Every file of a valid pack: path relative to the pack -> its YAML content as data."""
    files: dict[str, Any] = {
        "pack.yaml": {
            "name": "Sample pack",
            "version": 1,
            "description": "A pack made by the tests.",
        },
        "topics.yaml": [
            {"id": "python", "title": "Python"},
            {"id": "machine-learning", "title": "Machine learning"},
        ],
        "phases.yaml": [
            _phase(number, start, end) for number, (start, end) in enumerate(PHASE_MONTHS, 1)
        ],
        "steps.yaml": [
            {
                "number": number,
                "title": f"Step {number} title",
                "summary": f"Step {number} in one sentence.",
                "guide": f"The guide of step {number}.\n\nIt has two paragraphs.",
                "actions": ["Do one thing.", "Do another thing.", "Tell someone."],
                "phases": [min(number, 5)],
            }
            for number in range(1, 9)
        ],
        "readings.yaml": [
            {
                "id": f"reading-{index}",
                "title": f"Reading {index}",
                "url": f"https://example.org/reading/{index}",
                "kind": "article",
                "phases": [index % 5 + 1],
                "topics": ["python" if index % 2 else "machine-learning"],
                "why": "Worth reading now.",
            }
            for index in range(1, 5 * READINGS_PER_PHASE + 1)
        ],
        "certifications.yaml": [
            {
                "id": f"certification-{index}",
                "provider": "Example Cloud",
                "name": f"Example Certified {index}",
                "exam": f"EX-{index}00",
                "level": "associate",
                "url": f"https://example.org/certification/{index}",
                "covers": "Building and running models.",
                "cost": "about 150 USD",
                "validity": "2 years",
                "phase": 4,
                "checked": CHECKED,
            }
            for index in range(1, 3)
        ],
        "projects.yaml": [
            {
                "id": f"project-{phase}",
                "title": f"Project of phase {phase}",
                "level": LEVEL_OF_PHASE[phase],
                "phase": phase,
                "summary": f"The project of phase {phase}.",
                "skills": ["python"],
                "datasets": [{"title": "Some data", "url": "https://example.org/data"}],
            }
            for phase in range(1, 6)
        ],
        "specializations.yaml": [
            {
                "id": "healthcare",
                "industry": "Healthcare",
                "summary": "Models that help doctors.",
                "learn": ["Imaging.", "Privacy.", "Evaluation.", "Regulation."],
                "projects": ["project-4"],
                "resources": [
                    {
                        "title": "A course",
                        "url": "https://example.org/course",
                        "kind": "course",
                        "cost": "paid",
                    }
                ],
            }
        ],
        "icebreakers.yaml": [f"Sample question number {index}?" for index in range(1, 31)],
        "checkin.yaml": [
            {"id": question, "label": f"The {question} question", "placeholder": "An example"}
            for question in ("done", "hours", "next", "blockers", "milestones", "confidence")
        ],
        "feeds.yaml": [
            {
                "id": "example-feed",
                "title": "Example feed",
                "url": "https://example.org/feed.xml",
                "tags": ["machine-learning"],
            }
        ],
    }
    for phase in range(1, 6):
        files[f"challenges/phase-{phase}.yaml"] = [
            _challenge(phase, index) for index in range(1, CHALLENGES_PER_PHASE + 1)
        ]
    return files


def write_pack(root: Path, files: dict[str, Any] | None = None) -> Path:
    """Write `files` (the sample pack when None) under `root` and return `root`."""
    for name, data in (sample_files() if files is None else files).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return root


def errors_after(tmp_path: Path, change: Callable[[dict[str, Any]], object]) -> list[str]:
    """The problems of the sample pack after `change`, without their line numbers."""
    files = sample_files()
    change(files)
    with pytest.raises(ContentError) as caught:
        load_pack(write_pack(tmp_path, files), PACK_CHECKS)
    return [re.sub(r" \(line \d+\)$", "", error) for error in caught.value.errors]
