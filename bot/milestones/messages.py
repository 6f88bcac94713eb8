"""Everything the milestones feature says."""

from __future__ import annotations

from bot.markdown import escape, link
from bot.milestones.model import Checklist, Completed, MoveOn, PhaseProgress
from bot.replies import Action, ActionStyle, Field, Reply, Tone

DONE = "✅"
TO_DO = "⬜"


def too_many(given: int, limit: int) -> str:
    return f"That is {given} milestones at once; give at most {limit}."


def unknown(given: str, hint: str) -> str:
    return (
        f"There is no milestone “{escape(given[:64])}”.{hint} "
        "`milestones` lists the ones of your phase with their ids."
    )


def no_phase(number: int, phases: int) -> str:
    return f"There is no phase {number}: this roadmap has phases 1 to {phases}."


def phase_line(progress: PhaseProgress) -> str:
    return f"{progress.done}/{progress.total}" + (" ✅" if progress.complete else "")


def progress_fields(progress: tuple[PhaseProgress, ...]) -> tuple[Field, ...]:
    return tuple(Field(f"Phase {p.phase.number}: {p.phase.title}", phase_line(p)) for p in progress)


def move_on_text(move_on: MoveOn) -> str:
    finished = f"You finished every milestone of phase {move_on.finished.number}."
    if move_on.next_phase is None:
        return f"{finished} That was the last phase: keep going in your specialization."
    text = (
        f"{finished} Move on to phase {move_on.next_phase.number}, "
        f"**{move_on.next_phase.title}**: `milestones phase:{move_on.next_phase.number}` "
        "shows what is in it."
    )
    if move_on.start is not None:
        text += (
            f" Your calendar still has you in phase {move_on.finished.number}; "
            f"`profile set start:{move_on.start.isoformat()}` moves your journey to the "
            "start of the next one."
        )
    return text


def move_on_actions(move_on: MoveOn) -> tuple[Action, ...]:
    if move_on.next_phase is None:
        return ()
    actions = [Action("See the next phase", f"milestones phase:{move_on.next_phase.number}")]
    if move_on.start is not None:
        actions.append(
            Action(
                "Move my start date",
                f"profile set start:{move_on.start.isoformat()}",
                ActionStyle.PRIMARY,
            )
        )
    return tuple(actions)


def completed(result: Completed) -> Reply:
    milestone = result.milestone
    if result.again:
        body = f"You had already completed **{milestone.title}**; it stays done."
    else:
        body = f"**{milestone.title}** is done. Well earned!"
    if result.move_on is not None:
        body += "\n\n" + move_on_text(result.move_on)
    return Reply(
        title=f"Milestone {milestone.id}",
        body=body,
        actions=move_on_actions(result.move_on) if result.move_on else (),
        tone=Tone.SUCCESS,
    )


def checklist(result: Checklist) -> Reply:
    phase = result.phase
    items = []
    for milestone in phase.milestones:
        completion = result.completions.get(milestone.id)
        mark = DONE if completion else TO_DO
        line = f"{mark} **{milestone.title}** `{milestone.id}`, {milestone.hours} h"
        if completion and completion.evidence:
            line += f" ({link('evidence', completion.evidence)})"
        items.append(line)
    where = "your phase now" if result.current else f"phase {phase.number}"
    shown = next(p for p in result.progress if p.phase.number == phase.number)
    body = f"{phase.title} is {where}: {shown.done} of {shown.total} milestones done."
    open_ = [m for m in phase.milestones if m.id not in result.completions]
    if open_:
        body += (
            f" Tick one off by its id, with a link to your work if you like: "
            f"`done {open_[0].id} evidence:https://github.com/you/repo`."
        )
    if result.move_on is not None:
        body += "\n\n" + move_on_text(result.move_on)
    return Reply(
        title=f"Phase {phase.number}: {phase.title}",
        body=body,
        items=tuple(items),
        fields=progress_fields(result.progress),
        actions=move_on_actions(result.move_on) if result.move_on else (),
    )
