"""Which content pack a community uses: the pack an organizer chose for it, or else the
built-in pack. Each directory is loaded and validated once, then kept for the process.

Organizers choose a pack by name (`setup content:<name>`), and a name is only ever looked up
inside the packs directory the host configured (`COHORT_CONTENT_PACKS_DIR`): an organizer can
never make the bot read another directory of the machine. Edits to a pack's files take effect
after a restart.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

from bot.communities.model import Community
from bot.content.loader import PackCheck, load_pack
from bot.content.model import ContentPack
from bot.errors import UserError
from bot.markdown import escape

BUILTIN = "builtin"
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")

_SHARED_PACKS = 8
"""Packs kept for the whole process, however many providers ask (see `_load_shared`)."""

_shared: OrderedDict[tuple[Path, tuple[PackCheck, ...], str], ContentPack] = OrderedDict()


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
            pack = self._packs[key] = _load_shared(key, self._checks)
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


def _load_shared(root: Path, checks: tuple[PackCheck, ...]) -> ContentPack:
    """`load_pack`, shared by every provider of the process while the files are byte for byte
    the same: loading and validating takes about 0.1 s, and a process may build many cores
    (the test suite builds one per test). A pack is immutable, so sharing it is safe; a
    broken pack is never kept, so it is checked again next time."""
    fingerprint = _fingerprint(root)
    if fingerprint is None:  # a file cannot be read: load_pack says which
        return load_pack(root, checks)
    key = (root, checks, fingerprint)
    pack = _shared.get(key)
    if pack is None:
        pack = load_pack(root, checks)
        _shared[key] = pack
        if len(_shared) > _SHARED_PACKS:
            _shared.popitem(last=False)
    else:
        _shared.move_to_end(key)
    return pack


def _fingerprint(root: Path) -> str | None:
    """A digest of every file's name and bytes under `root`; None when one cannot be read."""
    digest = hashlib.sha256()
    try:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            name, data = str(path.relative_to(root)).encode(), path.read_bytes()
            for part in (name, data):
                digest.update(len(part).to_bytes(8, "big") + part)
    except OSError:
        return None
    return digest.hexdigest()
