"""Installations: one per workspace, replaced on reinstall; OAuth states usable once before
they expire; the installer's id exported and forgotten while the install keeps working."""

from __future__ import annotations

from datetime import timedelta

from bot.app import Cohort
from bot.clock import ManualClock
from bot.feature import Erasure
from bot.identity import CommunityRef, Platform
from bot.installations.model import Installation
from bot.installations.personal import InstallerRows
from bot.installations.service import InstallationService
from tests.support import caller

WORKSPACE = CommunityRef(Platform.SLACK, "T1")


def service(cohort: Cohort) -> InstallationService:
    return cohort.services.get(InstallationService)


def install(cohort: Cohort, data: str, installer: str | None = "ada") -> Installation:
    return Installation("slack", "T1", installer, data, cohort.clock.now())


async def test_a_reinstall_replaces_the_workspaces_install(cohort: Cohort) -> None:
    installs = service(cohort)
    await installs.save(install(cohort, '{"bot_token": "old"}'))
    await installs.save(install(cohort, '{"bot_token": "new"}', installer="bob"))
    found = await installs.find("slack", "T1")
    assert found is not None
    assert (found.data, found.installer_user_id) == ('{"bot_token": "new"}', "bob")
    assert "new" not in repr(found)  # the record holds tokens: never in a log line
    assert await installs.find("slack", "T2") is None
    assert await installs.find("discord", "T1") is None
    assert await installs.delete("slack", "T1")
    assert await installs.find("slack", "T1") is None
    assert not await installs.delete("slack", "T1")


async def test_a_state_is_good_once_and_only_until_it_expires(
    cohort: Cohort, clock: ManualClock
) -> None:
    installs = service(cohort)
    await installs.issue_state("s1", clock.now(), timedelta(minutes=10))
    await installs.issue_state("s2", clock.now(), timedelta(minutes=10))
    assert await installs.consume_state("s1", clock.now())
    assert not await installs.consume_state("s1", clock.now())
    assert not await installs.consume_state("never-issued", clock.now())
    clock.advance(timedelta(minutes=11))
    assert not await installs.consume_state("s2", clock.now())


async def test_forgetting_the_installer_keeps_the_install(cohort: Cohort) -> None:
    ada_caller = caller("ada", community=WORKSPACE)
    await cohort.dispatcher.run_line(ada_caller, "join")
    community = await cohort.communities.resolve(WORKSPACE, cohort.clock.now())
    ada = await cohort.members.find(community.id, "ada")
    assert ada is not None
    await service(cohort).save(install(cohort, '{"bot_token": "t"}'))
    rows = InstallerRows()
    async with cohort.db.read() as tx:
        exported = await rows.export_member(tx, ada)
    assert [r["platform"] for r in exported["installations_you_made"]] == ["slack"]
    async with cohort.db.write() as tx:
        await rows.erase_member(tx, Erasure(ada))
    found = await service(cohort).find("slack", "T1")
    assert found is not None
    assert (found.installer_user_id, found.data) == (None, '{"bot_token": "t"}')


async def test_a_paused_community_resumes_and_pausing_again_keeps_the_first_time(
    cohort: Cohort, clock: ManualClock
) -> None:
    communities = cohort.communities
    assert await communities.paused_since(WORKSPACE) is None
    first = clock.now()
    await communities.pause(WORKSPACE, first)
    await communities.pause(WORKSPACE, first + timedelta(hours=1))
    assert await communities.paused_since(WORKSPACE) == first
    await communities.resume(WORKSPACE, clock.now())
    assert await communities.paused_since(WORKSPACE) is None
