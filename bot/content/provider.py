"""Which content pack a community uses: the pack an organizer chose for it, or else the
built-in pack. Each directory is loaded and validated once, then kept for the process.

Organizers choose a pack by name (`setup content:<name>`), and a name is only ever looked up
inside the packs directory the host configured (`COHORT_CONTENT_PACKS_DIR`): an organizer can
never make the bot read another directory of the machine. Edits to a pack's files take effect
after a restart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from bot.communities.model import Community
from bot.content.loader import PackCheck, load_pack
from bot.content.model import ContentPack
from bot.errors import UserError
from bot.markdown import escape

BUILTIN = "builtin"
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


class ContentProvider:
    def __init__(
        self, builtin_dir: Path, packs_dir: Path, checks: Sequence[PackCheck] = ()
    ) -> None:
        self.builtin_dir = builtin_dir.expanduser().resolve()
        self._checks = tuple(checks)  # run on every pack loaded, besides its own checks
        self.packs_dir = packs_dir.expanduser().resolve()
        self._packs: dict[Path, ContentPack] = {}

    def builtin(self) -> ContentPack:
        """The pack communities use by default; raises ContentError when it is broken."""
        return self.load(self.builtin_dir)

    def load(self, directory: Path) -> ContentPack:
        """The pack in `directory`, loaded on first use; raises ContentError when broken."""
        key = directory.expanduser().resolve()
        pack = self._packs.get(key)
        if pack is None:
            pack = self._packs[key] = load_pack(key, self._checks)
        return pack

    def named(self, name: str) -> ContentPack:
        """The pack called `name` in the packs directory (`builtin` for the built-in one).
        Raises UserError for a name that is not one, ContentError for a broken pack."""
        if name == BUILTIN:
            return self.builtin()
        if not _NAME.fullmatch(name):
            raise UserError(
                f"`content` takes the name of a pack folder (lowercase letters, digits, - and _), "
                f"or `{BUILTIN}`; `{escape(name[:64])}` is not one."
            )
        directory = self.packs_dir / name
        if not directory.is_dir():
            raise UserError(
                f"There is no pack `{name}` in the packs folder the host set up "
                "(COHORT_CONTENT_PACKS_DIR). Ask them to put it there, or use `builtin`."
            )
        return self.load(directory)

    def for_community(self, community: Community) -> ContentPack:
        if not community.content_dir:
            return self.builtin()
        return self.named(community.content_dir)
