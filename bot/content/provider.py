"""Which content pack a community uses: the directory an organizer set for it, or else the
built-in pack. Each directory is loaded and validated once, then kept for the process.

A relative community directory is taken from the working directory of the process. Edits to a
pack's files take effect after a restart.
"""

from __future__ import annotations

from pathlib import Path

from bot.communities.model import Community
from bot.content.loader import load_pack
from bot.content.model import ContentPack


class ContentProvider:
    def __init__(self, builtin_dir: Path) -> None:
        self.builtin_dir = builtin_dir.expanduser().resolve()
        self._packs: dict[Path, ContentPack] = {}

    def builtin(self) -> ContentPack:
        """The pack communities use by default; raises ContentError when it is broken."""
        return self.load(self.builtin_dir)

    def load(self, directory: Path) -> ContentPack:
        """The pack in `directory`, loaded on first use; raises ContentError when broken."""
        key = directory.expanduser().resolve()
        pack = self._packs.get(key)
        if pack is None:
            pack = self._packs[key] = load_pack(key)
        return pack

    def for_community(self, community: Community) -> ContentPack:
        if not community.content_dir:
            return self.builtin()
        return self.load(Path(community.content_dir))
