"""The installations feature's values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Installation:
    """One workspace's install. `data` is the platform's own record (its adapter reads and
    writes it; it holds tokens, so it is never logged)."""

    platform: str
    workspace: str
    installer_user_id: str | None
    data: str
    installed_at: datetime

    def __repr__(self) -> str:
        return f"Installation({self.platform!r}, {self.workspace!r}, {self.installed_at})"
