"""What the outbox holds about a member: the export lists the messages queued or sent to them;
erasing deletes the ones addressed to them alone, takes them out of group conversations (the
others' intros survive) and takes their strings out of every post still queued or kept."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from bot.app import Cohort
from bot.feature import Erasure
from bot.identity import Caller, MemberRef
from bot.markdown import escape, link, mention
from bot.members.model import Member
from bot.outbox import Drainer, Target
from bot.outbox.redaction import FORMER_MEMBER
from bot.outbox.service import OutboxService
from bot.replies import Reply, decode
from bot.storage.tables import outbox, outbox_orphans
from tests.fakes.sender import RecordingSender
from tests.support import COMMUNITY, queue_message, reply

ADA, BOB, CY = "U-ada", "U-bob", "U-cy"
LINK, NOTE = "https://ada.example/evals", "tried three prompts"


async def _member(cohort: Cohort, user_id: str, name: str) -> Member:
    caller = Caller(MemberRef(COMMUNITY, user_id), display_name=name)
    reply(await cohort.dispatcher.run_line(caller, "join timezone:UTC"))
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    member = await cohort.members.find(community.id, user_id)
    assert member is not None
    return member


async def _world(cohort: Cohort) -> Member:
    """Ada's DMs (one sent, one queued), an intro with Bob still queued, a conversation of
    hers alone, the challenge summary that shows her name, link and note, and Bob's DM."""
    ada = await _member(cohort, ADA, "Ada Lovelace")
    await _member(cohort, BOB, "Bob")
    name = escape("Ada Lovelace")
    posts = [
        ("nudge:ada:1", Target.direct(ADA), Reply(body="Check in, Ada Lovelace")),
        ("intro:1", Target.group("general", [ADA, BOB]), Reply(body=f"Meet {mention(ADA)}")),
        ("met:1", Target.group("general", [ADA]), Reply(body="Did you meet?")),
        (
            "challenge-summary:1",
            Target.channel("general"),
            Reply(body=f"{name}: {link('evals', LINK)}", items=(f"{name}: {escape(NOTE)}",)),
        ),
        ("nudge:bob:1", Target.direct(BOB), Reply(body="Check in, Bob")),
    ]
    for key, target, message in posts[:2]:
        await queue_message(cohort, key, target, message)
    await Drainer(cohort.db, cohort.clock, RecordingSender()).drain()  # the first two, sent
    for key, target, message in posts[2:]:
        await queue_message(cohort, key, target, message)
    await queue_message(cohort, "nudge:ada:2", Target.direct(ADA), Reply(body="Again"))
    async with cohort.db.write() as tx:  # a stale drainer's answer kept about a DM of hers
        ada_dm = await tx.scalar(sa.select(outbox.c.id).where(outbox.c.key == "nudge:ada:1"))
        await tx.execute(
            outbox_orphans.insert().values(
                outbox_id=ada_dm, owner="x", outcome="sent", recorded_at=cohort.clock.now()
            )
        )
    return ada


async def _rows(cohort: Cohort) -> dict[str, Any]:
    async with cohort.db.read() as tx:
        return {r.key: r for r in await tx.execute(sa.select(outbox))}


async def test_the_export_lists_the_messages_queued_or_sent_to_the_member(
    cohort: Cohort,
) -> None:
    ada = await _world(cohort)
    service = OutboxService(cohort.db)

    async with cohort.db.read() as tx:
        exported = await service.export_member(tx, ada)

    records = exported["messages_to_you"]
    assert [r["key"] for r in records] == ["nudge:ada:1", "intro:1", "met:1", "nudge:ada:2"]
    assert records[0]["status"] == "sent"
    assert records[0]["sent_at"]
    assert records[0]["message"]["body"] == "Check in, Ada Lovelace"
    json.dumps(exported)  # plain JSON


async def test_erasing_deletes_her_messages_keeps_others_and_redacts_what_is_kept(
    cohort: Cohort,
) -> None:
    ada = await _world(cohort)
    before = await _rows(cohort)
    erasure = Erasure(ada)
    erasure.redact("Ada Lovelace", LINK, NOTE)  # as the features holding them would

    async with cohort.db.write() as tx:
        await OutboxService(cohort.db).erase_member(tx, erasure)
        await erasure.finish(tx)  # the redaction waits for every feature to name its strings

    rows = await _rows(cohort)
    assert set(rows) == {"intro:1", "challenge-summary:1", "nudge:bob:1"}
    intro = rows["intro:1"]
    assert (intro.user_ids, intro.status) == (BOB, "sent")
    assert decode(intro.payload).body == f"Meet {FORMER_MEMBER}"
    summary = decode(rows["challenge-summary:1"].payload)
    assert summary.body == f"{FORMER_MEMBER}: [evals]([removed])"
    assert summary.items == (f"{FORMER_MEMBER}: [removed]",)
    assert rows["nudge:bob:1"] == before["nudge:bob:1"]  # another member's, untouched
    async with cohort.db.read() as tx:
        assert (await tx.execute(sa.select(outbox_orphans))).all() == []
        dump = " ".join(str(tuple(r)) for r in await tx.execute(sa.select(outbox)))
    for string in (ADA, "Ada", LINK, NOTE, "ada.example"):
        assert string not in dump


async def test_another_members_queued_intro_survives_and_goes_out_without_her(
    cohort: Cohort,
) -> None:
    ada = await _member(cohort, ADA, "Ada Lovelace")
    await _member(cohort, BOB, "Bob")
    group = Target.group("general", [ADA, BOB, CY])
    await queue_message(cohort, "intro:2", group, Reply(body="Meet Ada Lovelace and Bob"))

    erasure = Erasure(ada)
    async with cohort.db.write() as tx:
        await OutboxService(cohort.db).erase_member(tx, erasure)
        await erasure.finish(tx)
    sender = RecordingSender()
    await Drainer(cohort.db, cohort.clock, sender).drain()

    [intro] = sender.delivered
    assert intro.target.user_ids == (BOB, CY)
    assert intro.reply.body == f"Meet {FORMER_MEMBER} and Bob"
