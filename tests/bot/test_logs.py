"""Secrets never reach the logs, whatever logs them."""

from __future__ import annotations

import logging

import pytest

from bot.logs import REDACTED, RedactSecrets

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
