"""Secrets never reach the logs, whatever logs them."""

from __future__ import annotations

import json
import logging

import pytest

from bot.logs import REDACTED, JsonLines, RedactSecrets
from bot.settings import Settings

SECRET = "xoxb-1234567890-abcdefghijkl"


def _record(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord("t", logging.DEBUG, __file__, 1, message, args, exc_info)


@pytest.mark.parametrize(
    "record",
    [
        _record("token is %s", SECRET),
        _record(f"Authorization: Bearer {SECRET}"),
        _record("request failed", exc=RuntimeError(f"bad token {SECRET}")),
    ],
)
def test_a_secret_in_a_message_argument_or_traceback_is_redacted(record: logging.LogRecord) -> None:
    assert RedactSecrets([SECRET]).filter(record)
    formatted = logging.Formatter().format(record)
    assert SECRET not in formatted
    assert REDACTED in formatted


def _failed() -> logging.LogRecord:
    try:
        raise RuntimeError(f"bad token {SECRET}")
    except RuntimeError as error:
        return _record("request to %s failed", "https://slack.com/api", exc=error)


def test_redacting_leaves_the_exception_to_the_other_handlers_of_the_record() -> None:
    record = _failed()
    assert RedactSecrets([SECRET]).filter(record)
    assert record.exc_info is not None  # a second handler (a test's capture, say) still sees it
    formatted = logging.Formatter().format(record)
    assert "RuntimeError" in formatted
    assert SECRET not in formatted


def test_json_lines_carry_one_object_per_entry_with_its_traceback_and_no_secret() -> None:
    record = _failed()
    assert RedactSecrets([SECRET]).filter(record)
    line = JsonLines().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "DEBUG"
    assert entry["logger"] == "t"
    assert entry["message"] == "request to https://slack.com/api failed"
    assert entry["time"].endswith("+00:00")
    assert "RuntimeError: bad token [redacted]" in entry["exc"]
    assert SECRET not in line


def test_json_lines_without_secrets_configured_still_carry_the_traceback() -> None:
    record = _failed()
    assert RedactSecrets([]).filter(record)
    assert "Traceback" in json.loads(JsonLines().format(record))["exc"]


@pytest.mark.parametrize(
    "token",
    ["xoxb-17-2-abcDEF", "xoxe.xoxb-1-MS0yLTE3", "xoxe-1-My0xLTE3LTI", "xapp-1-A1-2-abc"],
)
def test_slack_tokens_learnt_at_run_time_are_redacted_by_their_shape(token: str) -> None:
    settings = Settings(slack_client_id="1.2", slack_client_secret="c", _env_file=None)  # type: ignore[call-arg]
    record = _record("oauth.v2.access answered %s", {"access_token": token, "team": "T1"})
    assert RedactSecrets([], settings.secret_patterns()).filter(record)
    assert token not in record.getMessage()
    assert "'team': 'T1'" in record.getMessage()
