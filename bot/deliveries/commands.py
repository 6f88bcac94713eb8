"""The organizer `outbox` commands: list recent or failed posts, re-queue a failed one."""

from __future__ import annotations

from bot.commands import MAX_ID, Access, Args, Command, Option, OptionKind
from bot.context import Context
from bot.deliveries import messages
from bot.errors import UserError
from bot.outbox import Status
from bot.outbox.service import OutboxService
from bot.replies import Answer

LISTED = 15


def commands(outbox: OutboxService) -> tuple[Command, ...]:
    async def list_(ctx: Context, args: Args) -> Answer:
        which = args.text("which") or "all"
        status = None if which == "all" else Status(which)
        deliveries = await outbox.recent(ctx.community.id, status, LISTED)
        return messages.listing(deliveries, which, ctx.community.timezone)

    async def retry(ctx: Context, args: Args) -> Answer:
        row_id = args.integer("id")
        if row_id is None:
            raise UserError(
                "Give the post's number, as `outbox list failed` shows it: `outbox retry 12`."
            )
        requeued = await outbox.requeue(ctx.community.id, row_id, ctx.now)
        if not requeued.done:
            raise UserError(messages.not_failed(row_id, requeued.status))
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
