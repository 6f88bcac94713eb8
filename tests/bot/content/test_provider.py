"""Which pack a community gets, and loading each directory once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import Cohort
from bot.content.problems import ContentError
from bot.content.provider import ContentProvider
from bot.errors import UserError
from tests.bot.content.sample_pack import sample_files, write_pack
from tests.support import COMMUNITY, caller, reply


async def test_a_community_gets_its_own_pack_or_else_the_built_in_one(
    cohort: Cohort, tmp_path: Path
) -> None:
    custom = sample_files()
    custom["pack.yaml"]["name"] = "Custom pack"
    write_pack(tmp_path / "packs" / "custom", custom)
    provider = ContentProvider(write_pack(tmp_path / "builtin"), tmp_path / "packs")
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    assert provider.for_community(community) is provider.builtin()

    configured = await cohort.communities.configure(community, content_dir="custom")
    assert provider.for_community(configured).info.name == "Custom pack"
    assert provider.builtin().info.name == "Sample pack"


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("../etc", "takes the name of a pack folder"),
        ("/etc", "takes the name of a pack folder"),
        ("Custom", "takes the name of a pack folder"),
        ("missing", "There is no pack `missing`"),
    ],
)
def test_only_folders_inside_the_packs_directory_can_be_chosen(
    tmp_path: Path, name: str, problem: str
) -> None:
    provider = ContentProvider(write_pack(tmp_path / "builtin"), tmp_path / "packs")
    with pytest.raises(UserError, match=problem):
        provider.named(name)


async def test_organizers_switch_packs_by_name_and_a_broken_one_is_refused(
    cohort: Cohort, tmp_path: Path
) -> None:
    cohort.content.packs_dir = tmp_path
    custom = sample_files()
    custom["pack.yaml"]["name"] = "Custom pack"
    write_pack(tmp_path / "custom", custom)
    broken = sample_files()
    del broken["steps.yaml"]
    write_pack(tmp_path / "broken", broken)
    organizer = caller("org", admin=True)
    switched = reply(await cohort.dispatcher.run_line(organizer, "setup content:custom"))
    assert "content pack Custom pack (custom)" in switched.body
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    assert cohort.content.for_community(community).info.name == "Custom pack"
    refused = reply(await cohort.dispatcher.run_line(organizer, "setup content:broken"))
    assert "has 1 problem(s), so it was not switched on" in refused.body
    assert "steps.yaml: missing" in refused.body
    await cohort.dispatcher.run_line(organizer, "setup content:builtin")
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    assert cohort.content.for_community(community) is cohort.content.builtin()


def test_each_directory_is_loaded_once(tmp_path: Path) -> None:
    provider = ContentProvider(write_pack(tmp_path), tmp_path / "packs")
    first = provider.builtin()
    (tmp_path / "pack.yaml").write_text("not: [a, valid, pack", "utf-8")
    assert provider.load(tmp_path / "." / "") is first


def test_a_broken_pack_raises_and_is_tried_again_next_time(tmp_path: Path) -> None:
    files = sample_files()
    del files["steps.yaml"]
    provider = ContentProvider(write_pack(tmp_path, files), tmp_path / "packs")
    with pytest.raises(ContentError) as caught:
        provider.builtin()
    assert caught.value.errors == ["steps.yaml: missing: every pack has this file"]
    write_pack(tmp_path)
    assert len(provider.builtin().steps) == 8


def test_cores_of_one_process_share_a_pack_until_a_file_changes(tmp_path: Path) -> None:
    root = write_pack(tmp_path / "builtin")
    first = ContentProvider(root, tmp_path / "packs").builtin()
    assert ContentProvider(root, tmp_path / "packs").builtin() is first
    renamed = sample_files()
    renamed["pack.yaml"]["name"] = "Renamed pack"
    write_pack(root, renamed)
    assert ContentProvider(root, tmp_path / "packs").builtin().info.name == "Renamed pack"
    assert first.info.name == "Sample pack"  # the first core keeps what it loaded
