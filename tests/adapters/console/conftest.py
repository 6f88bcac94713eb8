"""Fixtures for driving `cohort console` through stdin in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.storage.database import Database

ROOT = Path(__file__).resolve().parents[3]


def environment(database_url: str, **env: str) -> dict[str, str]:
    """This machine's environment without any Cohort or platform setting, plus `env`."""
    kept = {
        k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "COHORT_"))
    }
    return {**kept, "COHORT_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT), **env}


@pytest.fixture
def run(
    db: Database, database_url: str, tmp_path: Path
) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Pipe text into `cohort console` on the test's database and wait for it to end."""

    def _run(
        text: str, *, command: str = "console", **env: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our interpreter, our CLI, a word the tests pick
            [sys.executable, "-m", "adapters.main", command],
            input=text,
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=environment(database_url, **env),
            timeout=60,
            check=False,
        )

    return _run
