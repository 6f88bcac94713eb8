"""The outbox feature's declaration: its tables, its service, and what it holds about a
member (messages to them, and their strings in posts still queued or kept)."""

from __future__ import annotations

from bot.feature import Exempt, Feature, Services, Shared
from bot.outbox.service import OutboxService
from bot.storage.tables import outbox, outbox_orphans


def _build(shared: Shared, services: Services) -> OutboxService:
    return OutboxService(shared.db)


FEATURE = Feature(
    "outbox",
    _build,
    tables=(outbox, outbox_orphans),
    member_data=lambda service: service,
    personal=(outbox.c.user_ids, outbox.c.payload),
    exempt=(
        Exempt(outbox.c.platform, "the platform's name"),
        Exempt(outbox.c.key, "an idempotency key: kind, community, week or row number"),
        Exempt(outbox.c.target_kind, "channel, direct or group"),
        Exempt(outbox.c.channel_id, "a channel's id (a DM names its member in user_ids)"),
        Exempt(outbox.c.status, "a delivery status"),
        Exempt(outbox.c.last_error, "the platform's reason for refusing, in its own words"),
        Exempt(outbox.c.platform_message_id, "the platform's id of the post"),
        Exempt(outbox.c.follows, "the idempotency key of an earlier post"),
        Exempt(outbox.c.conversation_id, "the id of a thread the outbox opened"),
        Exempt(outbox.c.owner, "a random claim token"),
        Exempt(outbox_orphans.c.owner, "a random claim token"),
        Exempt(outbox_orphans.c.outcome, "sent, retry or failed"),
        Exempt(outbox_orphans.c.platform_message_id, "the platform's id of the post"),
        Exempt(outbox_orphans.c.conversation_id, "the id of a thread the outbox opened"),
        Exempt(outbox_orphans.c.detail, "the platform's reason for refusing, in its own words"),
    ),
)
