"""The outbox: everything Cohort posts on its own is written here in the same transaction as
the decision that caused it, then delivered by one sender per platform.

Each row has a unique idempotency key, so deciding twice never queues twice. Drainers claim
rows with an owner token and a lease (and `SKIP LOCKED` on PostgreSQL), renew the lease while
a delivery is in flight, and write a row only while they own it, so several processes never
deliver the same row at once. A row whose lease ran out (its process died mid-delivery) is
claimed again and handed to the sender marked `recovering`, so the sender looks for it on the
platform before posting again. docs/operations.md says what this guarantees, and where not.
"""

from bot.outbox.drainer import Drainer, batch_size
from bot.outbox.model import (
    Delivered,
    Message,
    PermanentFailure,
    Post,
    RetryLater,
    RetryPolicy,
    Sender,
    Status,
    Superseded,
    Target,
    TargetKind,
    enqueue,
    enqueue_all,
    queued,
)
from bot.outbox.pacer import Pacer

__all__ = [
    "Delivered",
    "Drainer",
    "Message",
    "Pacer",
    "PermanentFailure",
    "Post",
    "RetryLater",
    "RetryPolicy",
    "Sender",
    "Status",
    "Superseded",
    "Target",
    "TargetKind",
    "batch_size",
    "enqueue",
    "enqueue_all",
    "queued",
]
