"""The roadmap commands: roadmap, resources, projects, certifications and specializations.

`level` is a choice because the pack format fixes its values. `topic` and `industry` are text
checked against the pack the community uses, so the topics and industries of a custom pack
work on every platform; a wrong value gets the nearest matches and the valid ones. `phase` and
`step` are checked against the pack for the same reason; `month` is fixed to 1-24.
"""

from __future__ import annotations

from bot.commands import MAX_ID, Args, Command, Option, OptionKind
from bot.content.model import LEVELS, ContentPack, Phase, Specialization, Topic
from bot.content.problems import ContentError
from bot.context import Context
from bot.errors import UserError
from bot.replies import Answer
from bot.roadmap import library_messages as library
from bot.roadmap import messages
from bot.roadmap.model import MAX_MONTH, Standing
from bot.roadmap.service import RoadmapService, month_plan


def _key(text: str) -> str:
    return "-".join(text.casefold().replace("_", " ").split())


def _phase(pack: ContentPack, number: int) -> Phase:
    phase = pack.phase(number)
    if phase is None:
        raise UserError(messages.no_phase(number, pack))
    return phase


def _topic(pack: ContentPack, text: str) -> Topic:
    key = _key(text)
    for topic in pack.topics:
        if key in (topic.id, _key(topic.title)):
            return topic
    raise UserError(messages.unknown_topic(text, pack))


def _specialization(pack: ContentPack, text: str) -> Specialization:
    key = _key(text)
    for specialization in pack.specializations:
        if key in (specialization.id, _key(specialization.industry)):
            return specialization
    raise UserError(messages.unknown_industry(text, pack))


def commands(roadmap: RoadmapService) -> tuple[Command, ...]:

    async def where(ctx: Context) -> tuple[ContentPack, Standing | None]:
        try:
            return await roadmap.standing(ctx.community, ctx.caller.member.user_id, ctx.now)
        except ContentError as error:
            raise UserError(messages.broken_pack(len(error.errors))) from error

    async def show_roadmap(ctx: Context, args: Args) -> Answer:
        if len(args.given() & {"phase", "step", "month"}) > 1:
            raise UserError(messages.ONE_VIEW)
        pack, standing = await where(ctx)
        if (number := args.integer("phase")) is not None:
            return messages.phase(pack, _phase(pack, number), standing)
        if (number := args.integer("step")) is not None:
            step = pack.step(number)
            if step is None:
                raise UserError(messages.no_step(number, pack))
            return messages.step(pack, step)
        if (number := args.integer("month")) is not None:
            return messages.month(month_plan(pack, number))
        return messages.overview(pack, standing)

    async def show_resources(ctx: Context, args: Args) -> Answer:
        pack, standing = await where(ctx)
        number = args.integer("phase")
        phase = None if number is None else _phase(pack, number)
        text = args.text("topic")
        if text is not None:
            return library.topic_readings(pack, _topic(pack, text), phase)
        if phase is None:
            phase = standing.plan.phase if standing and standing.plan else pack.phases[0]
        return library.phase_resources(pack, phase)

    async def show_projects(ctx: Context, args: Args) -> Answer:
        pack, _ = await where(ctx)
        chosen = args.text("level")
        level = next((level for level in LEVELS if level == chosen), None)
        return library.projects(pack, level)

    async def show_certifications(ctx: Context, args: Args) -> Answer:
        pack, _ = await where(ctx)
        return library.certifications(pack)

    async def show_specializations(ctx: Context, args: Args) -> Answer:
        pack, _ = await where(ctx)
        text = args.text("industry")
        if text is None:
            return library.specializations(pack)
        return library.specialization(pack, _specialization(pack, text))

    # 0 is let through so the pack answers with the numbers it has ("phases 1 to 5").
    phase_option = Option(
        "phase", "A phase of the roadmap, like 2", OptionKind.INTEGER, min_value=0, max_value=MAX_ID
    )
    return (
        Command(
            "roadmap",
            "The AI-engineer roadmap and where you stand on it",
            show_roadmap,
            options=(
                phase_option,
                Option(
                    "step",
                    "A step of the guide, like 3",
                    OptionKind.INTEGER,
                    min_value=0,
                    max_value=MAX_ID,
                ),
                Option(
                    "month",
                    f"A month of the journey, 1 to {MAX_MONTH}",
                    OptionKind.INTEGER,
                    min_value=1,
                    max_value=MAX_MONTH,
                ),
            ),
        ),
        Command(
            "resources",
            "Courses, docs and readings for your phase or a topic",
            show_resources,
            options=(
                phase_option,
                Option("topic", "A reading topic, like transformers", max_length=60),
            ),
        ),
        Command(
            "projects",
            "Project ideas from beginner to advanced",
            show_projects,
            options=(
                Option("level", "Only projects of this level", OptionKind.CHOICE, choices=LEVELS),
            ),
        ),
        Command("certifications", "Certifications worth preparing for", show_certifications),
        Command(
            "specializations",
            "Industries to specialize in, and what to learn for each",
            show_specializations,
            options=(Option("industry", "An industry, like healthcare", max_length=60),),
        ),
    )
