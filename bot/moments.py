"""Moments written for a reader: the wall time in their zone, with the zone named."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Universal", "Zulu", "Etc/Zulu"})


def zone_label(timezone: str) -> str:
    return "UTC" if timezone in _UTC_NAMES else f"({timezone})"


def when(moment: datetime, timezone: str, weekday: bool = True) -> str:
    """Like ``Monday 2026-12-07 09:00 (Europe/Berlin)``, or ``... 09:00 UTC``."""
    local = moment.astimezone(ZoneInfo(timezone))
    shape = "%A %Y-%m-%d %H:%M" if weekday else "%Y-%m-%d %H:%M"
    return f"{local.strftime(shape)} {zone_label(timezone)}"
