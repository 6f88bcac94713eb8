"""The `challenge` commands: show, submit, submissions, review, kudos; organizer preview,
post-now and track."""

from __future__ import annotations

from bot.challenges import messages
from bot.challenges.service import TRACKS, ChallengeService
from bot.commands import MAX_ID, Access, Args, Autocomplete, Command, Option, OptionKind
from bot.communities.service import CommunityService
from bot.context import Context
from bot.dispatch import Suggest
from bot.errors import UserError
from bot.replies import Answer


def commands(challenges: ChallengeService, communities: CommunityService) -> tuple[Command, ...]:
    async def show(ctx: Context, args: Args) -> Answer:
        if challenge_id := args.text("id"):
            return messages.one(challenges.find(ctx.community, challenge_id))
        current = await challenges.current(ctx.community)
        if current is None:
            raise UserError(messages.NOTHING_POSTED)
        zone = await challenges.reader_zone(ctx.community, ctx.caller.member.user_id)
        return messages.current(
            current.challenge, current.post.deadline_at, current.open(ctx.now), zone
        )

    async def submit(ctx: Context, args: Args) -> Answer:
        current, created = await challenges.submit(
            ctx.community, ctx.caller, args.text("link") or "", args.text("note") or "", ctx.now
        )
        return messages.submitted(current.challenge, created)

    async def submissions(ctx: Context, args: Args) -> Answer:
        current, entries = await challenges.submissions(ctx.community)
        return messages.submissions(current.challenge, entries)

    async def review(ctx: Context, args: Args) -> Answer:
        submission_id = args.integer("id")
        if submission_id is None:
            current, entry = await challenges.assign_review(ctx.community, ctx.caller, ctx.now)
            return messages.review_assignment(current.challenge, entry)
        score, comment = args.integer("score"), args.text("comment")
        if score is None or comment is None:
            raise UserError(
                "A review needs `score:` (1 to 5) and `comment:`, for example "
                f'`challenge review id:{submission_id} score:4 comment:"clear README"`.'
            )
        entry = await challenges.review(
            ctx.community, ctx.caller, submission_id, score, comment, ctx.now
        )
        return messages.reviewed(entry)

    async def kudos(ctx: Context, args: Args) -> Answer:
        return messages.kudos_given(
            await challenges.kudos(ctx.community, ctx.caller, args.integer("id") or 0, ctx.now)
        )

    async def mine(ctx: Context, args: Args) -> Answer:
        user_id = ctx.caller.member.user_id
        return messages.for_member(*await challenges.for_member(ctx.community, user_id, ctx.now))

    async def preview(ctx: Context, args: Args) -> Answer:
        return messages.preview(await challenges.next_for(ctx.community, ctx.now))

    async def post_now(ctx: Context, args: Args) -> Answer:
        posted = await challenges.post_now(ctx.community, ctx.now)
        zone = await challenges.reader_zone(ctx.community, ctx.caller.member.user_id)
        return messages.posted(
            posted.current.challenge,
            posted.current.post.deadline_at,
            zone,
            posted.replaces,
            posted.next_post,
        )

    async def track(ctx: Context, args: Args) -> Answer:
        community = await communities.configure(
            ctx.community, challenge_track=args.text("track") or "all"
        )
        return messages.track_set(
            community.challenge_track,
            await challenges.track(community, ctx.now),
            await challenges.next_for(community, ctx.now),
        )

    submission_id = Option(
        "id",
        "The submission's number",
        OptionKind.INTEGER,
        required=True,
        positional=True,
        min_value=1,
        max_value=MAX_ID,
    )
    return (
        Command(
            "challenge",
            "This week's challenge: see it, submit your work, review and cheer peers",
            subcommands=(
                Command(
                    "show",
                    "See the current challenge, or any challenge of the pack by id",
                    show,
                    options=(
                        Option(
                            "id",
                            "A challenge id, like p1-word-stats",
                            positional=True,
                            max_length=64,
                            autocomplete=Autocomplete.CHALLENGE,
                        ),
                    ),
                ),
                Command(
                    "submit",
                    "Submit your work for the current challenge (again to update it)",
                    submit,
                    options=(
                        Option(
                            "link",
                            "Where your work is (repository, notebook, post)",
                            OptionKind.URL,
                            required=True,
                            positional=True,
                        ),
                        Option("note", "A line about what you did"),
                    ),
                ),
                Command(
                    "mine",
                    "The challenge of your own phase, when the community's is from another",
                    mine,
                ),
                Command("submissions", "Everyone's submissions so far", submissions),
                Command(
                    "review",
                    "Get a peer's submission to review, or score one",
                    review,
                    options=(
                        Option(
                            "id",
                            "The submission you reviewed",
                            OptionKind.INTEGER,
                            positional=True,
                            min_value=1,
                            max_value=MAX_ID,
                        ),
                        Option(
                            "score",
                            "1 to 5, against the checklist",
                            OptionKind.INTEGER,
                            min_value=1,
                            max_value=5,
                        ),
                        Option("comment", "What works and what would make it better"),
                    ),
                ),
                Command("kudos", "Cheer a submission", kudos, options=(submission_id,)),
                Command(
                    "preview", "See next week's challenge post", preview, access=Access.ORGANIZER
                ),
                Command(
                    "post-now",
                    "Post the next challenge right away",
                    post_now,
                    access=Access.ORGANIZER,
                ),
                Command(
                    "track",
                    "Follow the phase most members are in, every phase in rotation, or one",
                    track,
                    access=Access.ORGANIZER,
                    options=(
                        Option(
                            "track",
                            "auto (the phase most members are in), all, or a phase number",
                            OptionKind.CHOICE,
                            required=True,
                            positional=True,
                            choices=TRACKS,
                        ),
                    ),
                ),
            ),
            default="show",
        ),
    )


def suggester(challenges: ChallengeService) -> Suggest:
    """Autocomplete for challenge ids, for `Dispatcher.add_suggester`."""

    async def suggest(ctx: Context, typed: str) -> list[str]:
        return challenges.suggest_ids(ctx.community, typed)

    return suggest
