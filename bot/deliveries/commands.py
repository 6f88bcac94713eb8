"""The organizer `outbox` commands: list recent or failed posts, re-queue a failed one."""

from __future__ import annotations

from bot.commands import MAX_ID, Access, Args, Command, Option, OptionKind
from bot.deliveries import messages, store
from bot.dispatch import Context
from bot.errors import UserError
from bot.outbox import Status
from bot.replies import Answer
from bot.storage.database import Database

LISTED = 15


def commands(db: Database) -> tuple[Command, ...]:
    async def list_(ctx: Context, args: Args) -> Answer:
        which = args.text("which") or "all"
        status = None if which == "all" else Status(which)
        async with db.read() as tx:
            deliveries = await store.recent(tx, ctx.community.id, status, LISTED)
        return messages.listing(deliveries, which, ctx.community.timezone)

    async def retry(ctx: Context, args: Args) -> Answer:
        row_id = args.integer("id")
        if row_id is None:
            raise UserError(
                "Give the post's number, as `outbox list failed` shows it: `outbox retry 12`."
            )
        async with db.write() as tx:
            if not await store.requeue(tx, ctx.community.id, row_id, ctx.now):
                status = await store.status_of(tx, ctx.community.id, row_id)
                raise UserError(messages.not_failed(row_id, status))
        return messages.requeued(row_id)

    return (
        Command(
            "outbox",
            "See what Cohort posted or failed to post, and re-queue failed posts",
            access=Access.ORGANIZER,
            subcommands=(
                Command(
                    "list",
                    "The newest posts, or only failed or pending ones",
                    list_,
                    options=(
                        Option(
                            "which",
                            "Which posts to list",
                            OptionKind.CHOICE,
                            positional=True,
                            choices=("all", "failed", "pending", "sent"),
                        ),
                    ),
                ),
                Command(
                    "retry",
                    "Queue a failed post again",
                    retry,
                    options=(
                        Option(
                            "id",
                            "The post's number from `outbox list failed`",
                            OptionKind.INTEGER,
                            required=True,
                            positional=True,
                            min_value=1,
                            max_value=MAX_ID,
                        ),
                    ),
                ),
            ),
            default="list",
        ),
    )
