"""Every roadmap view a content pack offers fits in one message on every platform: the
content loader runs this check (handed to it as one of its `checks`) on each pack it loads."""

from __future__ import annotations

from datetime import date

from bot.content.limits import fits
from bot.content.model import LEVELS, ContentPack
from bot.content.problems import Location, Problem
from bot.replies import Reply
from bot.roadmap import library_messages as library
from bot.roadmap import messages
from bot.roadmap.model import MAX_MONTH, Standing
from bot.roadmap.service import month_plan

SLOWEST = Standing(date(2026, 1, 1), date(2026, 1, 1), 0, 0, 0, 1, None)
"""A member studying one hour a week: the phase view adds a pace warning for them."""


def check_views(pack: ContentPack) -> list[Problem]:
    """Render every view a pack offers and report each one that does not fit a message."""
    problems: list[Problem] = []

    def view(file: str, path: Location, what: str, reply: Reply) -> None:
        problems.extend(
            Problem(file, path, f"{what} does not fit in a message: {problem}")
            for problem in fits(reply)
        )

    view("phases.yaml", (), "the roadmap overview", messages.overview(pack, None))
    for index, phase in enumerate(pack.phases):
        longest = messages.phase(pack, phase, SLOWEST)
        view("phases.yaml", (index,), f"phase {phase.number}", longest)
        view(
            "phases.yaml",
            (index,),
            f"the resources of phase {phase.number}",
            library.phase_resources(pack, phase),
        )
    for month in range(1, MAX_MONTH + 1):
        plan = month_plan(pack, month)
        index = pack.phases.index(plan.phase)
        view("phases.yaml", (index,), f"month {month}", messages.month(plan))
    for index, step in enumerate(pack.steps):
        view("steps.yaml", (index,), f"step {step.number}", messages.step(pack, step))
    for index, topic in enumerate(pack.topics):
        view(
            "topics.yaml",
            (index,),
            f"the readings on `{topic.id}`",
            library.topic_readings(pack, topic, None),
        )
    view("projects.yaml", (), "the project list", library.projects(pack, None))
    for level in LEVELS:
        view("projects.yaml", (), f"the {level} project list", library.projects(pack, level))
    view("certifications.yaml", (), "the certification list", library.certifications(pack))
    view("specializations.yaml", (), "the specialization list", library.specializations(pack))
    for index, specialization in enumerate(pack.specializations):
        view(
            "specializations.yaml",
            (index,),
            f"the `{specialization.id}` view",
            library.specialization(pack, specialization),
        )
    return problems
