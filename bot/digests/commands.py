"""The `feeds` organizer commands, the `digest` commands and `reading`.

Tags and focus topics are text checked against the community's content pack, like the
`resources` topics, so a custom pack's topics work on every platform.
"""

from __future__ import annotations

from bot.commands import HEAVY, MAX_ID, Access, Args, Command, Option, OptionKind
from bot.communities.model import Purpose
from bot.context import Context
from bot.digests import messages
from bot.digests.service import DigestService
from bot.errors import UserError
from bot.replies import Answer


def commands(digests: DigestService) -> tuple[Command, ...]:
    async def list_feeds(ctx: Context, args: Args) -> Answer:
        feeds, counts = await digests.feeds.feeds(ctx.community)
        return messages.feeds_list(feeds, counts, ctx.now)

    async def add(ctx: Context, args: Args) -> Answer:
        tags = digests.feeds.topics(ctx.community, args.text("tags"))
        feed, stored, restarted = await digests.feeds.add_feed(
            ctx.community, ctx.caller.member.user_id, args.text("url") or "", tags, ctx.now
        )
        return messages.feed_added(feed, stored, restarted)

    async def remove(ctx: Context, args: Args) -> Answer:
        return messages.feed_removed(
            await digests.feeds.remove_feed(ctx.community, args.integer("id") or 0)
        )

    async def defaults(ctx: Context, args: Args) -> Answer:
        on = args.text("state") == "on"
        added, other = await digests.feeds.use_defaults(
            ctx.community, on, ctx.caller.member.user_id, ctx.now
        )
        return messages.defaults_on(added, other) if on else messages.defaults_off(other)

    async def show(ctx: Context, args: Args) -> Answer:
        posted = await digests.building.latest(ctx.community)
        if posted is None:
            raise UserError(messages.NOTHING_POSTED)
        return messages.latest(
            posted.digest, posted.week, posted.created_at, ctx.community.timezone
        )

    async def preview(ctx: Context, args: Args) -> Answer:
        digest, checked, when = await digests.building.preview(ctx.community, ctx.now)
        channel = ctx.community.channels.get(Purpose.DIGEST)
        return messages.preview(digest, channel, when, checked, ctx.caller.channel_id)

    async def focus(ctx: Context, args: Args) -> Answer:
        text = args.text("topics")
        if text is not None:
            chosen = (
                () if text.strip().lower() == "auto" else digests.feeds.topics(ctx.community, text)
            )
            await digests.building.set_focus(ctx.community, chosen)
        titles, by_organizers = await digests.building.focus(ctx.community)
        return messages.focus(titles, by_organizers)

    async def reading(ctx: Context, args: Args) -> Answer:
        topic, phase = args.text("topic"), args.integer("phase")
        if topic is not None and topic.isdigit() and phase is None:  # `reading 2` is a phase
            phase = int(topic)
            topic = None
        title, chosen = await digests.building.readings(
            ctx.community, ctx.caller.member.user_id, topic, phase, ctx.now
        )
        return messages.readings(title, chosen)

    return (
        Command(
            "feeds",
            "The feeds the weekly reading digest draws from, and their health",
            access=Access.ORGANIZER,
            subcommands=(
                Command("list", "Every feed with its health", list_feeds),
                Command(
                    "add",
                    "Follow a feed (RSS or Atom); what it holds today counts as seen",
                    add,
                    slow=True,
                    options=(
                        Option(
                            "url",
                            "The feed's address",
                            OptionKind.URL,
                            required=True,
                            positional=True,
                        ),
                        Option(
                            "tags",
                            "Topics of the feed, comma-separated, like 'llms, rag'",
                            max_length=300,
                        ),
                    ),
                ),
                Command(
                    "remove",
                    "Stop following a feed",
                    remove,
                    options=(
                        Option(
                            "id",
                            "The feed's number from `feeds list`",
                            OptionKind.INTEGER,
                            required=True,
                            positional=True,
                            min_value=1,
                            max_value=MAX_ID,
                        ),
                    ),
                ),
                Command(
                    "defaults",
                    "Follow or drop the built-in AI research and engineering feeds",
                    defaults,
                    options=(
                        Option(
                            "state",
                            "on to follow them, off to drop them",
                            OptionKind.CHOICE,
                            required=True,
                            positional=True,
                            choices=("on", "off"),
                        ),
                    ),
                ),
            ),
            default="list",
        ),
        Command(
            "digest",
            "The weekly reading digest: the latest one, and the next one for organizers",
            subcommands=(
                Command("show", "See the latest digest", show),
                Command(
                    "preview",
                    "See what the next digest would carry",
                    preview,
                    access=Access.ORGANIZER,
                    slow=True,
                    cost=HEAVY,
                ),
                Command(
                    "focus",
                    "See or choose the topics the digest leans towards",
                    focus,
                    access=Access.ORGANIZER,
                    options=(
                        Option(
                            "topics",
                            "Topics, comma-separated, or 'auto' to follow members' focus",
                            positional=True,
                            max_length=300,
                        ),
                    ),
                ),
            ),
            default="show",
        ),
        Command(
            "reading",
            "Curated readings for your phase, a topic or a phase",
            reading,
            options=(
                Option(
                    "topic", "A topic, like rag, or a phase number", positional=True, max_length=60
                ),
                Option(
                    "phase",
                    "A phase of the roadmap, like 2",
                    OptionKind.INTEGER,
                    min_value=1,
                    max_value=MAX_ID,
                ),
            ),
        ),
    )
