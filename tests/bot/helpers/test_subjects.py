"""What a blocker is about, picked in the check-in form: the suggestions the form offers, the
pick stored with the check-in, and routing that follows it."""

from __future__ import annotations

import sqlalchemy as sa

from bot.app import Cohort
from bot.replies import FieldKind, Form
from bot.storage.tables import checkins
from tests.support import caller, ok, run

GIT = 'checkin hours:3 done:reading blockers:"My git history is a mess, rebase confuses me"'
BOTH = 'checkin hours:3 done:x blockers:"git rebase and numpy arrays both confuse me"'


async def _form(cohort: Cohort, user: str = "ada") -> Form:
    form = await cohort.dispatcher.run_line(caller(user), "checkin")
    assert isinstance(form, Form)
    return form


async def _subject(cohort: Cohort) -> str:
    async with cohort.db.read() as tx:
        return str((await tx.execute(sa.select(checkins.c.blocker_subject))).scalar_one())


async def test_the_form_offers_the_current_phase_first_and_matching_the_words_last(
    cohort: Cohort,
) -> None:
    await ok(cohort, "join timezone:Europe/Berlin")
    await ok(cohort, "done python-fluency")
    about = next(f for f in (await _form(cohort)).fields if f.name == "about")
    assert about.kind is FieldKind.CHOICE
    assert not about.required
    values = [c.value for c in about.choices]
    assert values[:2] == ["m:dev-environment", "m:git-daily"]  # phase 1, not done yet
    assert "m:python-fluency" not in values[:8]  # done: after the ones still ahead
    assert any(v.startswith("t:") for v in values)
    assert values[-1] == "auto"  # "None of these: match my words"
    assert len(values) <= 13


async def test_a_blocker_already_written_puts_its_matches_first_and_keeps_the_pick(
    cohort: Cohort,
) -> None:
    await ok(cohort, "join timezone:Europe/Berlin")
    await ok(cohort, 'checkin hours:2 done:x blockers:"RAG retrieval gives junk" about:t:python')
    about = next(f for f in (await _form(cohort)).fields if f.name == "about")
    assert about.value == "t:python"  # the earlier pick is the default
    values = [c.value for c in about.choices]
    # The earlier pick, then what the words match, then the current phase.
    assert values[:3] == ["t:python", "t:rag", "m:retrieval-augmented-generation"]
    assert values.index("m:retrieval-augmented-generation") < values.index("m:python-fluency")
    assert len(values) <= 13


async def test_a_subject_picked_in_the_form_is_what_routing_links_the_blocker_to(
    cohort: Cohort,
) -> None:
    await ok(cohort, "setup checkins:#ci", "root", admin=True)
    await ok(cohort, "join timezone:Europe/Berlin")
    await ok(cohort, "join timezone:Europe/Paris", "bob")
    await ok(cohort, "done numpy-arrays", "bob")
    await ok(cohort, "helper on", "bob")
    await ok(cohort, GIT + " about:m:numpy-arrays")  # the words say git, the member says numpy
    assert await _subject(cohort) == "m:numpy-arrays"
    offer = await ok(cohort, "helper find")
    assert "Linked to **Think in NumPy arrays" in offer.body
    assert offer.items[0].startswith("**1.** bob")


async def test_without_a_pick_the_words_are_matched_and_other_subjects_are_offered(
    cohort: Cohort,
) -> None:
    await ok(cohort, "join timezone:Europe/Berlin")
    await ok(cohort, BOTH + " about:auto")
    assert await _subject(cohort) == ""
    matched = await ok(cohort, "helper find")
    relink = [a.command for a in matched.actions if a.command.startswith("helper find subject:")]
    assert relink  # the words matched more than one subject: the member may pick another
    await ok(cohort, BOTH + " about:m:git-daily")
    picked = await ok(cohort, "helper find")
    assert "Linked to **Use Git and GitHub every day**" in picked.body
    assert not [a for a in picked.actions if a.command.startswith("helper find subject:")]


async def test_a_subject_outside_the_pack_is_refused_and_a_new_blocker_drops_the_old_pick(
    cohort: Cohort,
) -> None:
    await ok(cohort, "join timezone:Europe/Berlin")
    refused = await run(cohort, GIT + " about:m:nope")
    assert "isn't a milestone or topic" in refused.body
    await ok(cohort, GIT + " about:m:git-daily")
    await ok(cohort, "checkin hours:4")  # the same blocker: the pick stays
    assert await _subject(cohort) == "m:git-daily"
    await ok(cohort, 'checkin blockers:"gradients make no sense"')  # new words, no pick
    assert await _subject(cohort) == ""
