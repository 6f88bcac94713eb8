"""Data ownership through the contract: export asks every feature, forget-me hands every
feature one erasure in reverse registry order, with the confirmation code first."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from bot.app import Cohort
from bot.clock import ManualClock
from bot.feature import Erasure, Feature, Record, Services, Shared
from bot.features import FEATURES
from bot.members.model import Member
from bot.replies import Reply, Tone, decode, encode
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.transaction import Transaction
from tests.support import caller, ok, reply


async def _run(cohort: Cohort, line: str, user: str = "ada") -> Reply:
    return await ok(cohort, line, user, admin=user == "root")


class Notebook:
    """A feature's member data that records what privacy asked of it."""

    def __init__(self, name: str, calls: list[str]) -> None:
        self.name = name
        self.calls = calls

    async def export_member(self, tx: Transaction, member: Member) -> Mapping[str, list[Record]]:
        return {f"{self.name}_notes": [{"about": member.user_id}]}

    async def erase_member(self, tx: Transaction, erasure: Erasure) -> None:
        self.calls.append(f"erase {self.name}")
        erasure.redact(f"{self.name} words of {erasure.member.user_id}")

        async def last(_: Transaction) -> None:
            self.calls.append(f"end {self.name}: {sorted(erasure.strings)}")

        erasure.at_end(last)


def _notebook(name: str, calls: list[str]) -> Feature[Notebook]:
    def build(shared: Shared, services: Services) -> Notebook:
        return Notebook(name, calls)

    return Feature(name, build, member_data=lambda notebook: notebook)


async def _core(settings: Settings, clock: ManualClock, db: Database, calls: list[str]) -> Cohort:
    # "late" comes after privacy in the registry: privacy still asks it when a command runs.
    features = (_notebook("early", calls), *FEATURES, _notebook("late", calls))
    core = Cohort(settings, clock, db, features)
    await core.start()
    return core


async def test_export_has_one_object_per_feature_with_its_sections(
    settings: Settings, clock: ManualClock, db: Database
) -> None:
    core = await _core(settings, clock, db, [])
    await _run(core, "join timezone:Europe/Berlin")
    await _run(core, "setup organizer:@bob", "root")
    answer = await _run(core, "export")
    assert answer.attachment is not None
    assert answer.attachment.media_type == "application/json"
    document: dict[str, Any] = json.loads(answer.attachment.data)
    assert document["format"] == "cohort-export/2"
    features = document["features"]
    assert features["members"]["profile"][0]["user_id"] == "ada"
    assert features["members"]["profile"][0]["timezone"] == "Europe/Berlin"
    assert features["early"] == {"early_notes": [{"about": "ada"}]}
    assert features["late"] == {"late_notes": [{"about": "ada"}]}
    assert features["communities"]["organizer_role"] == []
    assert "1 in early notes, 1 in late notes" in answer.body
    assert decode(encode(answer)) == answer  # it travels through the outbox encoding


async def test_forget_me_erases_in_reverse_registry_order_then_runs_the_end_steps(
    settings: Settings, clock: ManualClock, db: Database
) -> None:
    calls: list[str] = []
    core = await _core(settings, clock, db, calls)
    await _run(core, "join")
    preview = await _run(core, "forget-me")
    assert preview.tone is Tone.WARNING
    assert "1 in early notes, 1 in late notes" in preview.body
    assert "where they belong to the community, takes your name off them" in preview.body
    wrong = reply(await core.dispatcher.run_line(caller(), "forget-me confirm:abcdef"))
    assert "does not match" in wrong.body
    assert calls == []  # a wrong code erases nothing
    await _run(core, preview.actions[0].command)
    # The registry's features name her id and mention (matchups intros show `<@ada>`).
    named = ["<@ada>", "early words of ada", "late words of ada"]
    assert calls == [
        "erase late",
        "erase early",
        f"end late: {sorted(['ada', *named])}",
        f"end early: {sorted(['ada', *named])}",
    ]
    assert await core.members.find(1, "ada") is None


async def test_forgetting_an_organizer_removes_the_role_and_anonymises_who_they_named(
    cohort: Cohort,
) -> None:
    await _run(cohort, "setup organizer:@ada", "root")
    await _run(cohort, "join")
    await _run(cohort, "setup organizer:@cleo")  # ada names cleo
    exported = json.loads((await _run(cohort, "export")).attachment.data)  # type: ignore[union-attr]
    role = exported["features"]["communities"]
    assert [r["added_by"] for r in role["organizer_role"]] == ["root"]
    assert [r["user_id"] for r in role["organizers_you_named"]] == ["cleo"]
    preview = await _run(cohort, "forget-me")
    forgotten = await _run(cohort, preview.actions[0].command)
    community = await cohort.communities.resolve(caller().member.community, cohort.clock.now())
    assert await cohort.communities.organizers(community) == ["cleo"]  # cleo stays, ada goes
    assert "Everything Cohort held about you here is deleted" not in forgotten.body
    assert "already posted on the platform are the platform's" in forgotten.body
    rejoined = await _run(cohort, "join")
    assert "Welcome aboard" in rejoined.body
    refused = reply(await cohort.dispatcher.run_line(caller(), "setup timezone:UTC"))
    assert "Only organizers" in refused.body  # rejoining does not make her one again


async def test_forget_me_and_export_for_a_member_with_no_data_say_so_plainly(
    cohort: Cohort,
) -> None:
    nobody = reply(await cohort.dispatcher.run_line(caller(), "forget-me"))
    assert "holds no data about you" in nobody.body
    await _run(cohort, "join")
    preview = await _run(cohort, "forget-me")
    assert preview.body.startswith(
        "This deletes your membership; Cohort holds nothing else about you here."
    )
    exported = await _run(cohort, "export")
    assert exported.body.endswith("as JSON in cohort-export.json: your profile.")


async def test_forget_me_works_after_leave_and_the_code_changes_with_the_membership(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _run(cohort, "join")
    first = (await _run(cohort, "forget-me")).actions[0].command
    await _run(cohort, "leave")
    clock.advance(timedelta(days=1))
    await _run(cohort, "join")  # a new membership: an old button deletes nothing
    second = (await _run(cohort, "forget-me")).actions[0].command
    assert first != second
    stale = reply(await cohort.dispatcher.run_line(caller(), first))
    assert "does not match" in stale.body
    await _run(cohort, "leave")
    await _run(cohort, second)
    assert await cohort.members.find(1, "ada") is None
