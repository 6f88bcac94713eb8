"""Running `cohort run` as a real process, the way an operator starts and stops it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


async def run_cohort(
    workdir: Path,
    environment: Mapping[str, str],
    ready: Callable[[], Awaitable[None]],
    ctrl_c: bool = False,
) -> tuple[int | None, str]:
    """Start `cohort run` in `workdir` with `environment` added, wait for `ready`, send
    SIGTERM (or, with `ctrl_c`, SIGINT to its whole process group, as a terminal's Ctrl+C
    does); the exit code and everything it logged."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "adapters.main",
        "run",
        cwd=workdir,
        env={
            **os.environ,
            "COHORT_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'cohort.db'}",
            # Health and metrics on a port the system picks, unless the test names one.
            "COHORT_HTTP_PORT": "0",
            "PYTHONPATH": str(REPO),
            **environment,
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=ctrl_c,
    )
    try:
        await asyncio.wait_for(ready(), 30)
    finally:
        if ctrl_c:
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(signal.SIGTERM)
        _, log = await asyncio.wait_for(process.communicate(), 30)
    return process.returncode, log.decode()


def assert_clean(log: str, *secrets: str) -> None:
    """What a healthy start and stop logs: no traceback, no warning, no secret."""
    assert "shutting down" in log, log
    assert "Traceback" not in log, log
    assert "WARNING" not in log, log
    assert "leaked" not in log, log  # multiprocessing's note about what a pool left behind
    for secret in secrets:
        assert secret not in log


def clean_environment(**env: str) -> dict[str, str]:
    """This machine's environment without any Cohort or platform setting, plus `env`."""
    kept = {
        k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "COHORT_"))
    }
    return {**kept, "PYTHONPATH": str(REPO), **env}


def run_command(
    workdir: Path, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    """`cohort <args>` in `workdir` with only the settings in `env`, to its end."""
    return subprocess.run(  # noqa: S603 - our interpreter, our CLI, arguments the tests pick
        [sys.executable, "-m", "adapters.main", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=workdir,
        env=clean_environment(**env),
        timeout=60,
        check=False,
    )
