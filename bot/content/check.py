"""`cohort content check [PATH]`: validate a pack and report every problem, or what it holds."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from bot.content.loader import PackCheck, default_content_dir, load_pack
from bot.content.model import LEVELS, ContentPack
from bot.content.problems import ContentError


def check(path: Path | None, checks: Sequence[PackCheck] = ()) -> tuple[int, str]:
    """An exit code (0 when the pack is valid, 1 when not) and a printable report: every
    problem on its own line followed by a count, or a summary of the pack."""
    root = (path or default_content_dir()).expanduser().resolve()
    try:
        pack = load_pack(root, checks)
    except ContentError as error:
        count = len(error.errors)
        noun = "problem" if count == 1 else "problems"
        return 1, "\n".join([*error.errors, f"{count} {noun} in the content pack at {root}"])
    return 0, summary(pack)


def _by_phase(pack: ContentPack, counts: Counter[int]) -> str:
    return "; by phase " + ", ".join(str(counts[p.number]) for p in pack.phases)


def summary(pack: ContentPack) -> str:
    levels = Counter(p.level for p in pack.projects)
    milestones = sum(len(p.milestones) for p in pack.phases)
    challenges = Counter(c.phase for c in pack.challenges)
    readings = Counter(n for r in pack.readings for n in set(r.phases))
    hours = ", ".join(f"{p.weekly_hours} h" for p in pack.phases)
    lines = [
        f"{pack.info.name}, version {pack.info.version}, at {pack.root}",
        f"  {len(pack.phases)} phases with {milestones} milestones; a week takes {hours}",
        f"  {len(pack.steps)} steps",
        f"  {len(pack.challenges)} weekly challenges{_by_phase(pack, challenges)}",
        f"  {len(pack.readings)} readings on {len(pack.topics)} topics{_by_phase(pack, readings)}",
        f"  {len(pack.certifications)} certifications",
        f"  {len(pack.projects)} projects: "
        + ", ".join(f"{levels[level]} {level}" for level in LEVELS),
        f"  {len(pack.specializations)} specializations: "
        + ", ".join(s.id for s in pack.specializations),
        f"  {len(pack.icebreakers)} icebreakers",
        f"  {len(pack.checkin)} check-in questions",
        f"  {len(pack.feeds)} feeds",
        "The pack is valid.",
    ]
    return "\n".join(lines)
