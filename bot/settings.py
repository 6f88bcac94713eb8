"""Cohort's settings: one typed object read from the environment and `.env`, passed around."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The bot scopes Cohort asks a workspace for (slack/manifest.yaml explains each).
SLACK_SCOPES = (
    "commands,chat:write,chat:write.public,channels:read,groups:read,users:read,im:write,mpim:write,"
    "files:write,"
    "channels:history,groups:history,im:history,mpim:history"
)


def _env(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


class Settings(BaseSettings):
    """Every setting Cohort reads. `.env.example` documents each key."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        populate_by_name=True,
    )

    database_url: str = Field(
        "sqlite+aiosqlite:///data/cohort.db", validation_alias=_env("COHORT_DATABASE_URL")
    )
    content_dir: Path | None = Field(None, validation_alias=_env("COHORT_CONTENT_DIR"))
    content_packs_dir: Path = Field(
        Path("packs"), validation_alias=_env("COHORT_CONTENT_PACKS_DIR")
    )
    log_level: str = Field("INFO", validation_alias=_env("COHORT_LOG_LEVEL"))
    log_format: Literal["text", "json"] = Field("text", validation_alias=_env("COHORT_LOG_FORMAT"))
    catchup_hours: int = Field(12, ge=0, le=168, validation_alias=_env("COHORT_CATCHUP_HOURS"))
    tick_seconds: float = Field(30.0, gt=0, le=3600, validation_alias=_env("COHORT_TICK_SECONDS"))
    # Sent and failed posts are deleted this many days later. At least four weeks: no job can
    # decide a post again that long after it first did (see bot/outbox/drainer.py, prune).
    outbox_retention_days: int = Field(
        30, ge=28, le=3650, validation_alias=_env("COHORT_OUTBOX_RETENTION_DAYS")
    )
    # Seconds a drainer's claim on outbox rows holds without renewal: how long the posts a dead
    # process was delivering wait before another process takes them over. Renewed every second
    # once half is left, so only a process stopped (or its event loop stalled) that long loses
    # its rows, and the fence and the look after posting keep even that from posting twice.
    outbox_lease_seconds: float = Field(
        30.0, ge=10, le=600, validation_alias=_env("COHORT_OUTBOX_LEASE_SECONDS")
    )
    parse_workers: int | None = Field(
        None, ge=0, le=32, validation_alias=_env("COHORT_PARSE_WORKERS")
    )
    feeds_allowed_hosts: str = Field("", validation_alias=_env("COHORT_FEEDS_ALLOWED_HOSTS"))
    event_loop: Literal["uvloop", "asyncio"] = Field(
        "uvloop", validation_alias=_env("COHORT_EVENT_LOOP")
    )
    # Fair use, in cost units (a card, an export or a preview costs 3, other commands 1);
    # 0 turns a limit off. See bot/fairuse and docs/operations.md.
    limit_member_concurrent: int = Field(
        4, ge=0, validation_alias=_env("COHORT_LIMIT_MEMBER_CONCURRENT")
    )
    limit_member_per_minute: int = Field(
        30, ge=0, validation_alias=_env("COHORT_LIMIT_MEMBER_PER_MINUTE")
    )
    limit_community_concurrent: int = Field(
        40, ge=0, validation_alias=_env("COHORT_LIMIT_COMMUNITY_CONCURRENT")
    )
    limit_community_per_minute: int = Field(
        600, ge=0, validation_alias=_env("COHORT_LIMIT_COMMUNITY_PER_MINUTE")
    )
    http_host: str = Field("127.0.0.1", validation_alias=_env("COHORT_HTTP_HOST"))
    http_port: int = Field(3000, ge=0, le=65535, validation_alias=_env("COHORT_HTTP_PORT"))

    discord_token: SecretStr | None = Field(None, validation_alias=_env("DISCORD_TOKEN"))
    discord_api_base_url: str | None = Field(None, validation_alias=_env("DISCORD_API_BASE_URL"))
    discord_gateway_url: str | None = Field(None, validation_alias=_env("DISCORD_GATEWAY_URL"))
    discord_shard_count: int | None = Field(
        None, ge=1, validation_alias=_env("DISCORD_SHARD_COUNT")
    )
    discord_shard_ids: str | None = Field(None, validation_alias=_env("DISCORD_SHARD_IDS"))
    discord_shards_per_process: int | None = Field(
        None, ge=1, validation_alias=_env("DISCORD_SHARDS_PER_PROCESS")
    )
    discord_shard_lease_seconds: float = Field(
        20.0, ge=1, le=600, validation_alias=_env("DISCORD_SHARD_LEASE_SECONDS")
    )

    slack_bot_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_app_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_APP_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=_env("SLACK_SIGNING_SECRET")
    )
    slack_api_url: str = Field("https://slack.com/api/", validation_alias=_env("SLACK_API_URL"))
    # Many workspaces: Slack's OAuth v2 install flow, under the names Bolt gives these settings.
    slack_client_id: str | None = Field(None, validation_alias=_env("SLACK_CLIENT_ID"))
    slack_client_secret: SecretStr | None = Field(
        None, validation_alias=_env("SLACK_CLIENT_SECRET")
    )
    slack_scopes: str = Field(SLACK_SCOPES, validation_alias=_env("SLACK_SCOPES"))
    slack_redirect_uri: str | None = Field(None, validation_alias=_env("SLACK_REDIRECT_URI"))
    slack_token_rotation_expiration_minutes: int = Field(
        120, ge=1, le=720, validation_alias=_env("SLACK_TOKEN_ROTATION_EXPIRATION_MINUTES")
    )
    # Benchmarks only, left out of .env.example on purpose: `<ISO start>,<anchor>,<speed>`
    # makes `cohort run` keep a fast clock shared by processes (bot.clock.ScaledClock).
    test_clock: str | None = Field(None, validation_alias=_env("COHORT_TEST_CLOCK"))

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @field_validator("feeds_allowed_hosts")
    @classmethod
    def _host_list(cls, value: str) -> str:
        from bot.digests.addresses import AllowList  # here: settings import no aiohttp

        AllowList.parse(value)  # a ValueError names the entries it cannot read
        return value

    @property
    def discord_enabled(self) -> bool:
        return self.discord_token is not None

    @property
    def slack_oauth(self) -> bool:
        """Many workspaces, each installed through /slack/install (no SLACK_BOT_TOKEN)."""
        return self.slack_client_id is not None and self.slack_client_secret is not None

    @property
    def slack_enabled(self) -> bool:
        return (self.slack_bot_token is not None or self.slack_oauth) and (
            self.slack_app_token is not None or self.slack_signing_secret is not None
        )

    @property
    def slack_serves_http(self) -> bool:
        """Slack's routes are on Cohort's HTTP server: its events (HTTP mode) or its install
        pages (OAuth), beside health and metrics."""
        return self.slack_http_mode or (self.slack_enabled and self.slack_oauth)

    @property
    def slack_http_mode(self) -> bool:
        """Slack answers on Cohort's HTTP server (no Socket Mode token)."""
        return self.slack_enabled and self.slack_app_token is None

    def half_set_credentials(self) -> str | None:
        """What a half-set platform configuration lacks, as one sentence naming the settings;
        None when each platform is either fully configured or not at all."""
        slack_modes = _named(
            SLACK_APP_TOKEN=self.slack_app_token, SLACK_SIGNING_SECRET=self.slack_signing_secret
        )
        oauth = _named(
            SLACK_CLIENT_ID=self.slack_client_id, SLACK_CLIENT_SECRET=self.slack_client_secret
        )
        if oauth and not self.slack_oauth:
            return f"{oauth} set alone; set both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"
        if oauth and self.slack_bot_token is not None:
            return (
                "SLACK_BOT_TOKEN (one workspace) and SLACK_CLIENT_ID with SLACK_CLIENT_SECRET "
                "(workspaces install Cohort) are both set; keep one of them"
            )
        credentials = "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET" if oauth else "SLACK_BOT_TOKEN"
        if (self.slack_bot_token is not None or oauth) and not slack_modes:
            return (
                f"{credentials} {'are' if oauth else 'is'} set without SLACK_APP_TOKEN "
                "(Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode); set one of them, or unset "
                f"{credentials}"
            )
        if slack_modes and self.slack_bot_token is None and not oauth:
            return f"{slack_modes} set without SLACK_BOT_TOKEN; set SLACK_BOT_TOKEN too"
        shards = _named(
            DISCORD_SHARD_COUNT=self.discord_shard_count,
            DISCORD_SHARD_IDS=self.discord_shard_ids,
            DISCORD_SHARDS_PER_PROCESS=self.discord_shards_per_process,
        )
        if shards and self.discord_token is None:
            return f"{shards} set without DISCORD_TOKEN; set DISCORD_TOKEN too"
        return None

    def secrets(self) -> list[str]:
        """Every secret value set, so logging can redact them wherever they appear."""
        candidates = (
            self.discord_token,
            self.slack_bot_token,
            self.slack_app_token,
            self.slack_signing_secret,
            self.slack_client_secret,
        )
        return [s.get_secret_value() for s in candidates if s and s.get_secret_value()]

    def secret_patterns(self) -> list[re.Pattern[str]]:
        """The shapes of secrets learnt at run time, redacted in every log line too."""
        return [SLACK_TOKEN] if self.slack_oauth else []


# Slack's tokens (bot, user, app-level, rotating and refresh tokens): with many workspaces
# they are learnt at run time, and slack_sdk's DEBUG lines show install answers whole.
SLACK_TOKEN = re.compile(r"\b(?:xox[a-z]|xapp|xoxe)[.-][A-Za-z0-9._-]+")


def _named(**values: object) -> str:
    """The names of the settings that are set, joined with "and"; empty when none is."""
    return " and ".join(name for name, value in values.items() if value is not None)
