"""compose.yaml, checked without Docker: its services, health checks on Cohort's real paths,
settings that Cohort reads, and Discord shards that two processes never share."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from adapters.cli import _parser
from adapters.discord.app import shard_leases
from adapters.http import LIVE_PATH, READY_PATH
from bot.settings import Settings
from bot.storage.database import Database

ROOT = Path(__file__).resolve().parents[1]
COHORT = ("cohort-1", "cohort-2")
SETTINGS = {str(f.validation_alias.choices[0]) for f in Settings.model_fields.values()}  # type: ignore[union-attr]
_VARIABLE = re.compile(r"\$\{(\w+)(?::([?+-])([^}]*))?\}")


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's `${VAR}`, `${VAR:-default}`, `${VAR:?error}` and `${VAR:+replacement}`."""

    def one(match: re.Match[str]) -> str:
        name, operator, word = match.groups()
        current = env.get(name, "")
        if operator == "?" and not current:
            raise KeyError(f"{name}: {word}")
        if operator == "+":
            return word if current else ""
        if operator == "-" and not current:
            return word
        return current

    return _VARIABLE.sub(one, value)


def environment(service: str, env: dict[str, str]) -> dict[str, str]:
    values = compose()["services"][service].get("environment", {})
    return {key: interpolate(str(value), env) for key, value in values.items()}


def test_postgres_and_two_cohort_processes_built_from_the_dockerfile() -> None:
    services = compose()["services"]
    assert set(services) == {"db", "migrate", *COHORT}
    assert services["db"]["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    for name in ("migrate", *COHORT):
        assert services[name]["build"] == "."
        assert (ROOT / services[name]["build"] / "Dockerfile").is_file()
    for name in COHORT:
        assert "command" not in services[name]  # the image's own: `cohort run`
        assert services[name]["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }


def test_migrations_run_once_with_a_real_cohort_command_before_the_processes() -> None:
    command = compose()["services"]["migrate"]["command"]
    assert command[0] == "cohort"
    args = _parser().parse_args(command[1:])
    assert (args.command, args.db_command) == ("db", "upgrade")


def test_every_named_volume_is_declared_and_the_database_keeps_its_data() -> None:
    file = compose()
    declared = set(file["volumes"])
    used = {
        mount.split(":")[0]
        for service in file["services"].values()
        for mount in service.get("volumes", [])
    }
    assert used == declared
    assert "postgres-data:/var/lib/postgresql/data" in file["services"]["db"]["volumes"]


@pytest.mark.parametrize("service", COHORT)
def test_the_health_check_asks_the_readiness_path_on_the_port_cohort_listens_on(
    service: str,
) -> None:
    check = compose()["services"][service]["healthcheck"]["test"]
    assert check[:3] == ["CMD", "python", "-c"]
    assert f"http://127.0.0.1:3000{READY_PATH}'" in check[3]
    assert environment(service, {"POSTGRES_PASSWORD": "pw"})["COHORT_HTTP_PORT"] == "3000"
    compile(check[3], "healthcheck", "exec")  # the probe is valid Python


def test_the_image_checks_liveness_on_the_real_path() -> None:
    """The Dockerfile builds the URL from the port: `... + '/healthz', timeout=4)`."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    (line,) = [ln for ln in dockerfile.splitlines() if ln.startswith("HEALTHCHECK")]
    assert f"'{LIVE_PATH}'" in line
    assert "COHORT_HTTP_PORT" in line


@pytest.mark.parametrize("service", ["migrate", *COHORT])
def test_every_setting_the_file_gives_is_one_cohort_reads(service: str) -> None:
    assert set(environment(service, {"POSTGRES_PASSWORD": "pw"})) <= SETTINGS


def test_the_database_password_is_required_and_reaches_both_sides() -> None:
    with pytest.raises(KeyError, match="POSTGRES_PASSWORD"):
        environment("cohort-1", {})
    env = {"POSTGRES_PASSWORD": "s3cret"}
    url = environment("cohort-1", env)["COHORT_DATABASE_URL"]
    assert url == "postgresql+asyncpg://cohort:s3cret@db:5432/cohort"
    assert environment("db", env)["POSTGRES_PASSWORD"] == "s3cret"


def test_on_discord_the_processes_claim_one_shard_each_through_the_database() -> None:
    env = {"POSTGRES_PASSWORD": "pw", "DISCORD_TOKEN": "token"}
    for service in COHORT:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, discord_token="token", **_lowered(environment(service, env))
        )
        assert settings.half_set_credentials() is None
        assert (settings.discord_shard_count, settings.discord_shards_per_process) == (2, 1)
        assert settings.discord_shard_ids is None  # pinned by hand would bypass the leases
        core = SimpleNamespace(db=Database.connect(settings.database_url), clock=None)
        assert shard_leases(core, settings) is not None  # type: ignore[arg-type]


def test_without_discord_the_shard_settings_stay_unset_so_slack_alone_starts() -> None:
    for service in COHORT:
        values = environment(service, {"POSTGRES_PASSWORD": "pw", "SLACK_BOT_TOKEN": "x"})
        settings = Settings(_env_file=None, **_lowered(values))  # type: ignore[call-arg]
        assert (settings.discord_shard_count, settings.discord_shard_ids) == (None, None)
        assert settings.half_set_credentials() is None


def test_the_env_file_is_optional_and_documented_keys_exist() -> None:
    for service in ("migrate", *COHORT):
        assert compose()["services"][service]["env_file"] == [{"path": ".env", "required": False}]
    assert "# POSTGRES_PASSWORD=" in (ROOT / ".env.example").read_text(encoding="utf-8")
    assert "docker compose up" in (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")


def _lowered(values: dict[str, str]) -> dict[str, Any]:
    """Environment values as Settings arguments; an empty one is unset (env_ignore_empty)."""
    return {key.lower(): value for key, value in values.items() if value != ""}


def test_interpolation_helper_follows_compose() -> None:
    env = {"SET": "v"}
    cases = {
        "${SET}": "v",
        "${UNSET}": "",
        "${UNSET:-d}": "d",
        "${SET:+r}": "r",
        "${UNSET:+r}": "",
    }
    for text, expected in cases.items():
        assert interpolate(text, env) == expected, shlex.quote(text)
