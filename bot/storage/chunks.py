"""Long lists of ids cut for IN (...) lists: every driver limits a statement's parameters."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

CHUNK = 500  # ids per IN (...) list, well under every driver's parameter limit


def chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    """`ids` CHUNK at a time."""
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])
