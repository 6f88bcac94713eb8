"""Members' progress survives a new version of their pack: a database made with the old pack
keeps every tick and every submission once the new pack renames what they were made under."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from bot.app import Cohort
from bot.clock import ManualClock
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.tables import members, milestone_completions
from tests.bot.content.sample_pack import sample_files, write_pack
from tests.support import caller, reply, text_of

ORGANIZER = caller("org", admin=True)


async def _started(database_url: str, db: Database, clock: ManualClock, pack: Path) -> Cohort:
    settings = Settings(  # type: ignore[call-arg]
        database_url=database_url, parse_workers=0, content_dir=pack, _env_file=None
    )
    core = Cohort(settings, clock, db)
    await core.start()
    return core


def _new_version(root: Path) -> Path:
    """The sample pack's next version: a milestone and a challenge get new ids and say so."""
    files = sample_files()
    files["pack.yaml"]["version"] = 2
    milestone = files["phases.yaml"][0]["milestones"][0]
    milestone.update(id="p1-first-steps", replaces=["p1-milestone-1"])
    challenge = files["challenges/phase-1.yaml"][0]
    challenge.update(id="p1-first-challenge", title="The first challenge, renamed")
    challenge["replaces"] = ["p1-challenge-1"]
    return write_pack(root, files)


async def test_ticks_and_submissions_made_under_old_ids_survive_the_new_pack(
    database_url: str, db: Database, clock: ManualClock, tmp_path: Path
) -> None:
    old = await _started(database_url, db, clock, write_pack(tmp_path / "old"))
    for line in ("join", "done p1-milestone-1", "done p1-milestone-2"):
        await old.dispatcher.run_line(caller(), line)
    await old.dispatcher.run_line(ORGANIZER, "setup challenges:#challenges")
    posted = reply(await old.dispatcher.run_line(ORGANIZER, "challenge post-now"))
    assert "Challenge 1 of phase 1" in text_of(posted)
    await old.dispatcher.run_line(caller(), "challenge submit https://a.org/mine")

    new = await _started(database_url, db, clock, _new_version(tmp_path / "new"))
    checklist = reply(await new.dispatcher.run_line(caller(), "milestones"))
    ticked = [item for item in checklist.items if item.startswith("✅")]
    assert len(ticked) == 2
    assert any("`p1-first-steps`" in item for item in ticked)
    shown = text_of(await new.dispatcher.run_line(caller(), "challenge"))
    assert "The first challenge, renamed" in shown
    listed = text_of(await new.dispatcher.run_line(caller(), "challenge submissions"))
    assert "https://a.org/mine" in listed
    upcoming = text_of(await new.dispatcher.run_line(ORGANIZER, "challenge preview"))
    assert "The first challenge, renamed" not in upcoming  # it was posted, under its old id

    again = await _started(database_url, db, clock, _new_version(tmp_path / "again"))
    checklist = reply(await again.dispatcher.run_line(caller(), "milestones"))
    assert len([item for item in checklist.items if item.startswith("✅")]) == 2


async def test_a_member_with_a_tick_under_both_ids_keeps_one(
    database_url: str, db: Database, clock: ManualClock, tmp_path: Path
) -> None:
    old = await _started(database_url, db, clock, write_pack(tmp_path / "old"))
    await old.dispatcher.run_line(caller(), "join")
    await old.dispatcher.run_line(caller(), "done p1-milestone-1 evidence:https://a.org/old")
    async with db.write() as conn:
        (member_id,) = (await conn.execute(sa.select(members.c.id))).scalars()
        await conn.execute(
            milestone_completions.insert().values(
                member_id=member_id,
                milestone_id="p1-first-steps",
                evidence="https://a.org/new",
                completed_at=clock.now(),
            )
        )

    await _started(database_url, db, clock, _new_version(tmp_path / "new"))
    async with db.read() as conn:
        rows = (await conn.execute(sa.select(milestone_completions))).all()
    assert [(r.milestone_id, r.evidence) for r in rows] == [("p1-first-steps", "https://a.org/new")]
