"""Settings from the environment: empty values mean the default, bad values name the key."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import Settings


def test_an_empty_parse_workers_value_means_one_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COHORT_PARSE_WORKERS", "")
    assert Settings(_env_file=None).parse_workers is None  # type: ignore[call-arg]


def test_parse_workers_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COHORT_PARSE_WORKERS", "0")
    assert Settings(_env_file=None).parse_workers == 0  # type: ignore[call-arg]


def test_a_negative_number_of_parse_workers_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COHORT_PARSE_WORKERS", "-1")
    with pytest.raises(ValidationError, match="COHORT_PARSE_WORKERS"):
        Settings(_env_file=None)  # type: ignore[call-arg]
