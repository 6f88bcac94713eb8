"""Named values the host keeps between runs: read back as written, replaced on a new write."""

from __future__ import annotations

from bot.storage.database import Database
from bot.storage.host_values import HostValues


async def test_a_value_is_read_back_and_replaced_by_the_next_write(db: Database) -> None:
    values = HostValues(db)
    assert await values.get("console.clock_offset_seconds") is None
    await values.put("console.clock_offset_seconds", "60.0")
    await values.put("console.clock_offset_seconds", "120.5")
    await values.put("other", "x")
    assert await values.get("console.clock_offset_seconds") == "120.5"
    assert await HostValues(db).get("other") == "x"
