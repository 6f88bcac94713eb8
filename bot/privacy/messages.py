"""Everything the export and forget-me commands say."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.replies import Action, ActionStyle, Attachment, Reply, Tone

if TYPE_CHECKING:  # the service imports these messages
    from bot.privacy.service import Export, Preview

NOTHING_KNOWN = "Cohort holds no data about you in this community."


def wrong_code() -> str:
    return "That confirmation code does not match. Run `forget-me` again to see the current one."


def _tally(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} in {name.replace('_', ' ')}" for name, count in counts.items())


def _what_goes(counts: dict[str, int]) -> str:
    if not counts:
        return (
            "This deletes your membership; Cohort holds nothing else about you here. Any "
            "messages it sent you go too."
        )
    return (
        f"This deletes your membership and {_tally(counts)}, and the messages Cohort sent you here."
    )


def exported(result: Export) -> Reply:
    return Reply(
        title="Your data",
        body=(
            "Everything Cohort holds about you here, as JSON in cohort-export.json: your "
            f"profile{' and ' + _tally(result.counts) if result.counts else ''}, plus the "
            "messages it sent you."
        ),
        attachment=Attachment("cohort-export.json", result.data, "application/json"),
    )


def preview(result: Preview) -> Reply:
    return Reply(
        title="Forget me",
        body=(
            f"{_what_goes(result.counts)} It cannot be undone; `export` first if you want a "
            "copy.\n\n"
            f"To go ahead, press the button or send `forget-me confirm:{result.code}`."
        ),
        actions=(
            Action("Delete all my data", f"forget-me confirm:{result.code}", ActionStyle.DANGER),
        ),
        tone=Tone.WARNING,
    )


def forgotten() -> Reply:
    return Reply(
        title="Forgotten",
        body=(
            "Everything Cohort held about you here is deleted. If you come back, `join` "
            "starts afresh."
        ),
        tone=Tone.SUCCESS,
    )
