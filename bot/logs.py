"""Logging setup, with a filter that keeps tokens and secrets out of every log line."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime

REDACTED = "[redacted]"


class RedactSecrets(logging.Filter):
    """Replaces any configured secret, and anything shaped like the secrets learnt at run
    time (`patterns`: tokens of the workspaces that install Cohort), in a record's final
    message and traceback text."""

    def __init__(self, secrets: Iterable[str], patterns: Iterable[re.Pattern[str]] = ()) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)
        self._patterns = tuple(patterns)

    def _clean(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        for pattern in self._patterns:
            text = pattern.sub(REDACTED, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets and not self._patterns:
            return True
        message = record.getMessage()
        # The traceback is formatted once, cleaned, and kept as the record's text (which every
        # formatter prints instead of formatting `exc_info` again); `exc_info` itself stays, so
        # other handlers on the same record still see the exception.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        record.msg, record.args = self._clean(message), None
        return True


class JsonLines(logging.Formatter):
    """One JSON object per line, for log collectors: time (UTC, ISO 8601), level, logger,
    message and, when there is one, the traceback (`exc`). It formats what the redacting
    filter left, so secrets are out of both the message and the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(
    level: str,
    secrets: Iterable[str],
    log_format: str = "text",
    patterns: Iterable[re.Pattern[str]] = (),
) -> None:
    """Log to stderr at `level`, as text or JSON lines; every handler redacts the given
    secrets and whatever matches `patterns`."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets, patterns))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Migrations announce every step at INFO; only their problems matter to an operator.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, root.level))
    # APScheduler logs two INFO lines for every tick of the ticker (every 30 s by default);
    # they are only worth seeing when debugging, where the ticker says what each tick did.
    logging.getLogger("apscheduler").setLevel(
        logging.DEBUG if root.level <= logging.DEBUG else max(logging.WARNING, root.level)
    )
