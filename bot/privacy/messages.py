"""Everything the export and forget-me commands say."""

from __future__ import annotations

from bot.privacy.model import Export, Preview
from bot.replies import Action, ActionStyle, Attachment, Reply, Tone

NOTHING_KNOWN = "Cohort holds no data about you in this community."


def wrong_code() -> str:
    return "That confirmation code does not match. Run `forget-me` again to see the current one."


def _tally(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} in {name.replace('_', ' ')}" for name, count in counts.items())


_KEPT = (
    "Where you named organizers, declared holidays or added feeds, those stay without your "
    "name; posts not yet sent lose your name, links and words. Messages already posted on the "
    "platform are the platform's, not Cohort's: delete them there if you want them gone."
)


def _what_goes(counts: dict[str, int]) -> str:
    if not counts:
        return "This deletes your membership; Cohort holds nothing else about you here."
    return (
        f"Cohort holds your membership here and {_tally(counts)}. Forgetting deletes them or, "
        "where they belong to the community, takes your name off them."
    )


def exported(result: Export) -> Reply:
    return Reply(
        title="Your data",
        body=(
            "Everything Cohort holds about you here, as JSON in cohort-export.json: your "
            f"profile{' and ' + _tally(result.counts) if result.counts else ''}."
        ),
        attachment=Attachment("cohort-export.json", result.data, "application/json"),
    )


def preview(result: Preview) -> Reply:
    return Reply(
        title="Forget me",
        body=(
            f"{_what_goes(result.counts)} {_KEPT} It cannot be undone; `export` first if you "
            "want a copy.\n\n"
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
            "Cohort deleted your membership and what it held about you here. "
            f"{_KEPT} If you come back, `join` starts afresh."
        ),
        tone=Tone.SUCCESS,
    )
