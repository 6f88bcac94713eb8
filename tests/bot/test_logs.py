"""Secrets never reach the logs, whatever logs them."""

from __future__ import annotations

import json
import logging

import pytest

from bot.logs import REDACTED, JsonLines, RedactSecrets

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
