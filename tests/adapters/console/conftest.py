"""Fixtures for driving `cohort console` through stdin in a subprocess."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import termios
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.storage.database import Database
from tests.adapters.process import clean_environment


def environment(database_url: str, **env: str) -> dict[str, str]:
    """This machine's environment without any Cohort or platform setting, plus `env`."""
    return clean_environment(COHORT_DATABASE_URL=database_url, **env)


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


@pytest.fixture
def run_in_terminal(db: Database, database_url: str, tmp_path: Path) -> Callable[..., str]:
    """Type text into `cohort console` on a terminal (so it prompts, as for a person) and give
    back everything it printed once the input ends (Ctrl+D); `env` adds settings, such as a
    fixed clock (COHORT_TEST_CLOCK)."""

    def _run(text: str, **env: str) -> str:
        controller, terminal = pty.openpty()
        attributes = termios.tcgetattr(terminal)
        attributes[3] &= ~termios.ECHO  # what is typed is not printed back into the terminal
        termios.tcsetattr(terminal, termios.TCSANOW, attributes)
        with subprocess.Popen(
            [sys.executable, "-m", "adapters.main", "console"],
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            env=environment(database_url, **env),
        ) as process:
            os.close(terminal)
            os.write(controller, (text + "\x04").encode())
            try:
                out, err = process.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                raise
        os.close(controller)
        assert process.returncode == 0, err
        assert "Traceback" not in out + err, out + err
        return out

    return _run
