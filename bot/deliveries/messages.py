"""Everything the `outbox` organizer commands say."""

from __future__ import annotations

from bot import moments
from bot.markdown import escape
from bot.outbox.model import Delivery
from bot.replies import Reply, Tone


def listing(deliveries: list[Delivery], which: str, timezone: str) -> Reply:
    if not deliveries:
        empty = "Nothing has failed." if which == "failed" else "Nothing queued or sent yet."
        return Reply(title="Outbox", body=empty)
    items = []
    for d in deliveries:
        when = moments.when(d.sent_at or d.created_at, timezone, weekday=False)
        line = f"`{d.id}` {d.status}, {escape(d.key)} to {escape(d.target)}, {when}"
        if d.attempts > 1:
            line += f", {d.attempts} attempts"
        if d.last_error and d.status != "sent":
            line += f": {escape(d.last_error)}"
        items.append(line)
    hint = (
        f" Re-queue one by its number, such as `outbox retry {deliveries[0].id}`."
        if which == "failed" and deliveries
        else ""
    )
    return Reply(
        title="Outbox", body=f"The newest {len(items)} ({which}).{hint}", items=tuple(items)
    )


def requeued(row_id: int) -> Reply:
    return Reply(body=f"Post `{row_id}` is queued again and goes out shortly.", tone=Tone.SUCCESS)


def not_failed(row_id: int, status: str | None) -> str:
    if status is None:
        return f"There is no post `{row_id}` in this community's outbox."
    return f"Post `{row_id}` is {status}, not failed: only failed posts can be re-queued."
