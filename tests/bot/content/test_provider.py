"""Which pack a community gets, and loading each directory once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import Cohort
from bot.content.problems import ContentError
from bot.content.provider import ContentProvider
from tests.bot.content.sample_pack import sample_files, write_pack
from tests.support import COMMUNITY


async def test_a_community_gets_its_own_pack_or_else_the_built_in_one(
    cohort: Cohort, tmp_path: Path
) -> None:
    custom = sample_files()
    custom["pack.yaml"]["name"] = "Custom pack"
    provider = ContentProvider(write_pack(tmp_path / "builtin"))
    community = await cohort.communities.resolve(COMMUNITY)
    assert provider.for_community(community) is provider.builtin()

    configured = await cohort.communities.configure(
        community, content_dir=str(write_pack(tmp_path / "custom", custom))
    )
    assert provider.for_community(configured).info.name == "Custom pack"
    assert provider.builtin().info.name == "Sample pack"


def test_each_directory_is_loaded_once(tmp_path: Path) -> None:
    provider = ContentProvider(write_pack(tmp_path))
    first = provider.builtin()
    (tmp_path / "pack.yaml").write_text("not: [a, valid, pack", "utf-8")
    assert provider.load(tmp_path / "." / "") is first


def test_a_broken_pack_raises_and_is_tried_again_next_time(tmp_path: Path) -> None:
    files = sample_files()
    del files["steps.yaml"]
    provider = ContentProvider(write_pack(tmp_path, files))
    with pytest.raises(ContentError) as caught:
        provider.builtin()
    assert caught.value.errors == ["steps.yaml: missing: every pack has this file"]
    write_pack(tmp_path)
    assert len(provider.builtin().steps) == 8
