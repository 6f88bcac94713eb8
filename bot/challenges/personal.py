"""What the challenges feature holds about one member: export and erasure."""

from __future__ import annotations

from collections.abc import Mapping

from bot.challenges import store
from bot.challenges.messages import NOTE_SHOWN
from bot.feature import Erasure, Record
from bot.markdown import escape
from bot.members.model import Member
from bot.storage.transaction import Transaction


class ChallengeData:
    """A member's submissions, the reviews and kudos they gave, and those they received
    (without naming who gave them)."""

    async def export_member(self, tx: Transaction, member: Member) -> Mapping[str, list[Record]]:
        return {
            "challenge_submissions": await store.submissions_of(tx, member.id),
            "challenge_reviews_given": await store.reviews_given(tx, member.id),
            "challenge_reviews_received": await store.reviews_received(tx, member.id),
            "challenge_kudos_given": await store.kudos_given(tx, member.id),
            "challenge_kudos_received": await store.kudos_received(tx, member.id),
        }

    async def erase_member(self, tx: Transaction, erasure: Erasure) -> None:
        """Delete the member's submissions (and the reviews and kudos on them) and the reviews
        and kudos they gave; posts still queued or kept (the week's summary) must no longer
        show their name, links, notes or review comments."""
        member = erasure.member
        for text in (member.display_name, *await store.words_of(tx, member.id)):
            # Posts show user text escaped, and notes cut short: each form is named.
            erasure.redact(text, escape(text), escape(text[:NOTE_SHOWN]))
        await store.delete_member(tx, member.id)
