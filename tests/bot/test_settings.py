"""Settings from the environment: empty values mean the default, bad values name the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import AliasChoices, ValidationError

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


def _names() -> list[str]:
    """The environment name of every setting."""
    names = []
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        assert isinstance(alias, AliasChoices)
        names.append(str(alias.choices[0]))
    return names


@pytest.mark.parametrize("name", _names())
def test_an_empty_value_means_the_default_for_every_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str
) -> None:
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    monkeypatch.setenv(name, "")
    assert Settings(_env_file=None) == defaults  # type: ignore[call-arg]
    monkeypatch.delenv(name)
    (tmp_path / ".env").write_text(f"{name}=\n", encoding="utf-8")
    assert Settings(_env_file=tmp_path / ".env") == defaults  # type: ignore[call-arg]


def test_every_setting_is_read_from_the_environment() -> None:
    assert len(_names()) == len(set(_names())) == len(Settings.model_fields)
    assert all(name.isupper() for name in _names())


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({}, None),
        ({"SLACK_BOT_TOKEN": "b", "SLACK_APP_TOKEN": "a"}, None),
        ({"SLACK_BOT_TOKEN": "b", "SLACK_SIGNING_SECRET": "s"}, None),
        ({"DISCORD_TOKEN": "d", "DISCORD_SHARD_COUNT": "2"}, None),
        ({"SLACK_BOT_TOKEN": "b"}, "SLACK_BOT_TOKEN is set without SLACK_APP_TOKEN"),
        ({"SLACK_APP_TOKEN": "a"}, "SLACK_APP_TOKEN set without SLACK_BOT_TOKEN"),
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_SIGNING_SECRET set without SLACK_BOT_TOKEN"),
        ({"DISCORD_SHARD_IDS": "0"}, "DISCORD_SHARD_IDS set without DISCORD_TOKEN"),
        ({"SLACK_CLIENT_ID": "1", "SLACK_CLIENT_SECRET": "c", "SLACK_SIGNING_SECRET": "s"}, None),
        ({"SLACK_CLIENT_ID": "1", "SLACK_SIGNING_SECRET": "s"}, "SLACK_CLIENT_ID set alone"),
        (
            {"SLACK_CLIENT_ID": "1", "SLACK_CLIENT_SECRET": "c"},
            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set without SLACK_APP_TOKEN",
        ),
        (
            {"SLACK_BOT_TOKEN": "b", "SLACK_CLIENT_ID": "1", "SLACK_CLIENT_SECRET": "c"},
            "are both set",
        ),
    ],
)
def test_half_set_credentials_name_the_missing_setting(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], problem: str | None
) -> None:
    for name in _names():
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    found = Settings(_env_file=None).half_set_credentials()  # type: ignore[call-arg]
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert problem in found


def test_env_example_copied_as_is_changes_no_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _names():
        monkeypatch.delenv(name, raising=False)
    example = Path(__file__).resolve().parents[2] / ".env.example"
    assert Settings(_env_file=example) == Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("env", "enabled", "serves_http"),
    [
        ({"SLACK_BOT_TOKEN": "b", "SLACK_APP_TOKEN": "a"}, True, False),
        ({"SLACK_BOT_TOKEN": "b", "SLACK_SIGNING_SECRET": "s"}, True, True),
        ({"SLACK_CLIENT_ID": "1", "SLACK_CLIENT_SECRET": "c", "SLACK_APP_TOKEN": "a"}, True, True),
        ({"SLACK_CLIENT_ID": "1", "SLACK_CLIENT_SECRET": "c"}, False, False),
    ],
)
def test_slack_installs_turn_slack_on_and_need_the_http_server_in_either_mode(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], enabled: bool, serves_http: bool
) -> None:
    for name in _names():
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.slack_enabled, settings.slack_serves_http) == (enabled, serves_http)
