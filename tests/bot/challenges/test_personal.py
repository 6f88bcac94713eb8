"""What the challenges feature holds about a member: the export includes what they made and
what others gave them, erasure leaves none of their rows or words and keeps everyone else's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bot.app import Cohort
from bot.challenges.feature import FEATURE
from bot.challenges.service import ChallengeService
from bot.clock import ManualClock
from bot.feature import Erasure, MemberData
from bot.replies import decode
from bot.storage.tables import kudos, outbox, reviews, submissions
from tests.support import caller, member_of, table_rows, text_of

ORGANIZER = caller("org", admin=True)
MONDAY_9 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def _run(cohort: Cohort, user: str, line: str) -> None:
    await cohort.dispatcher.run_line(caller(user), line)


async def _week(cohort: Cohort, clock: ManualClock) -> None:
    """A posted challenge: ada and bob submit and review each other, cy cheers ada, ada
    cheers bob; cy submits too, and bob and cy review and cheer each other without ada."""
    await cohort.dispatcher.run_line(
        ORGANIZER, "setup challenges:#challenges post:challenges day:mon time:09:00"
    )
    clock.set(MONDAY_9 + timedelta(seconds=20))
    await cohort.scheduler.tick()
    for name in ("ada", "bob", "cy"):
        await _run(cohort, name, "join")
    await _run(cohort, "ada", 'challenge submit https://ada.example/repo note:"ada-note"')
    await _run(cohort, "bob", 'challenge submit https://bob.example/repo note:"bob-note"')
    await _run(cohort, "ada", 'challenge review 2 score:4 comment:"ada-says-neat"')
    await _run(cohort, "bob", 'challenge review 1 score:5 comment:"bob-says-great"')
    await _run(cohort, "cy", "challenge kudos 1")
    await _run(cohort, "ada", "challenge kudos 2")
    await _run(cohort, "cy", 'challenge submit https://cy.example/repo note:"cy-note"')
    await _run(cohort, "bob", 'challenge review 3 score:3 comment:"bob-on-cy"')
    await _run(cohort, "cy", 'challenge review 2 score:4 comment:"cy-on-bob"')
    await _run(cohort, "cy", "challenge kudos 2")


def _data(cohort: Cohort) -> MemberData:
    assert FEATURE.member_data is not None
    return FEATURE.member_data(cohort.services.get(ChallengeService))


async def test_the_export_holds_submissions_reviews_and_kudos_given_and_received(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _week(cohort, clock)
    ada = await member_of(cohort, "ada")
    async with cohort.db.read() as tx:
        export = await _data(cohort).export_member(tx, ada)
    (mine,) = export["challenge_submissions"]
    assert mine["link"] == "https://ada.example/repo"
    assert mine["note"] == "ada-note"
    assert isinstance(mine["submitted_at"], str)  # JSON-able
    assert [r["comment"] for r in export["challenge_reviews_given"]] == ["ada-says-neat"]
    (received,) = export["challenge_reviews_received"]
    assert (received["score"], received["comment"]) == (5, "bob-says-great")
    assert "reviewer_id" not in received  # who reviewed them stays out
    assert len(export["challenge_kudos_received"]) == 1
    assert "member_id" not in export["challenge_kudos_received"][0]
    assert [k["submission_id"] for k in export["challenge_kudos_given"]] == [2]


async def test_erasing_a_member_deletes_their_rows_and_names_their_words_for_redaction(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _week(cohort, clock)
    ada = await member_of(cohort, "ada")
    erasure = Erasure(ada)
    async with cohort.db.write() as tx:
        await _data(cohort).erase_member(tx, erasure)
    assert {"ada", "https://ada.example/repo", "ada-note", "ada-says-neat"} <= erasure.strings
    left = {t.name: await table_rows(cohort, t) for t in (submissions, reviews, kudos)}
    dump = repr(left)
    for word in ("ada.example", "ada-note", "ada-says-neat"):
        assert word not in dump
    assert [r["link"] for r in left["submissions"]] == [
        "https://bob.example/repo",
        "https://cy.example/repo",
    ]
    # Bob's review and cy's kudos of ada's submission went with it; what bob and cy gave
    # each other stays.
    assert sorted(r["comment"] for r in left["reviews"]) == ["bob-on-cy", "cy-on-bob"]
    assert [(k["submission_id"], k["member_id"]) for k in left["kudos"]] == [
        (2, (await member_of(cohort, "cy")).id)
    ]
    listed = text_of(await cohort.dispatcher.run_line(caller("bob"), "challenge submissions"))
    assert "2 so far" in listed
    assert "ada" not in listed


async def test_the_strings_erasure_names_cover_the_member_in_a_queued_summary(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _week(cohort, clock)
    long_note = "ada (*really*) " + "n" * 200
    await _run(cohort, "ada", f'challenge submit https://ada.example/repo note:"{long_note}"')
    clock.set(MONDAY_9 + timedelta(days=7, seconds=20))
    await cohort.scheduler.tick()  # the summary of the closed week is queued
    async with cohort.db.read() as tx:
        payload = await tx.scalar(
            sa.select(outbox.c.payload).where(outbox.c.key.like("challenge-summary:%"))
        )
    assert payload is not None
    summary = decode(payload)
    shown = "\n".join([summary.body, *summary.items])
    assert "ada \\(\\*really\\*\\) nnn" in shown  # the note, escaped and cut short
    assert "n" * 120 not in shown
    erasure = Erasure(await member_of(cohort, "ada"))
    async with cohort.db.write() as tx:
        await _data(cohort).erase_member(tx, erasure)
    for text in sorted(erasure.strings, key=len, reverse=True):
        shown = shown.replace(text, "[redacted]")
    for word in ("ada.example", "really", "nnnn", "ada"):
        assert word not in shown
    assert "bob.example" in shown  # other members' entries are untouched
