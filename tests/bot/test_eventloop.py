"""The event loop `cohort run` uses: uvloop unless COHORT_EVENT_LOOP says asyncio."""

from __future__ import annotations

import asyncio
import importlib.util
import sys

import pytest

from bot import eventloop
from bot.settings import Settings


async def _kind() -> str:
    await asyncio.sleep(0)
    return eventloop.loop_name()


def test_uvloop_is_the_default_where_it_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COHORT_EVENT_LOOP", raising=False)
    choice = Settings(_env_file=None).event_loop  # type: ignore[call-arg]
    installed = importlib.util.find_spec("uvloop") is not None
    assert installed or sys.platform == "win32"  # a dependency everywhere else
    assert eventloop.run(_kind(), choice) == ("uvloop" if installed else "asyncio")


def test_asyncio_runs_everything_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COHORT_EVENT_LOOP", "asyncio")
    choice = Settings(_env_file=None).event_loop  # type: ignore[call-arg]
    assert eventloop.run(_kind(), choice) == "asyncio"


def test_an_unknown_loop_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COHORT_EVENT_LOOP", "trio")
    with pytest.raises(ValueError, match="COHORT_EVENT_LOOP"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_without_uvloop_the_asyncio_loop_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # as on Windows: the import fails
    assert eventloop.run(_kind(), "uvloop") == "asyncio"
