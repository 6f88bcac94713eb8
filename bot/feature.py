"""The contract each feature package declares once, in its `feature.py`: how its service is
built, its commands, jobs and autocomplete sources, the tables it owns and what it holds
about a member."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import sqlalchemy as sa

from bot.clock import Clock
from bot.commands import Autocomplete, Catalogue, Command
from bot.content.provider import ContentProvider
from bot.jobs import Job
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.transaction import Transaction

if TYPE_CHECKING:  # the dispatcher imports commands, which features declare
    from bot.dispatch import Suggest
    from bot.members.model import Member

S = TypeVar("S")
Record = dict[str, Any]

# What an added-by or declared-by column says once the member who did it is forgotten: never a
# platform user id (no platform's ids have parentheses), so it matches nobody.
FORGOTTEN = "(forgotten)"


@dataclass(frozen=True, slots=True)
class Shared:
    """What every feature may build on: settings, the clock, the database, the content packs,
    and the finished catalogue (read when a command runs, for help)."""

    settings: Settings
    clock: Clock
    db: Database
    content: ContentProvider
    catalogue: Callable[[], Catalogue]


class Services:
    """The services built so far, found by their type: a feature's `build` asks here for the
    services of the features it builds on, which the registry lists before it."""

    def __init__(self, shared: Shared) -> None:
        self.shared = shared
        self._by_type: dict[type[object], object] = {}
        self._member_data: list[tuple[str, MemberData]] = []

    def add(self, service: object) -> None:
        self._by_type[type(service)] = service

    def get(self, kind: type[S]) -> S:
        found = self._by_type.get(kind)
        if not isinstance(found, kind):
            raise LookupError(f"{kind.__name__} is not built yet: list its feature earlier")
        return found

    def add_member_data(self, holder: MemberData, feature: str) -> None:
        self._member_data.append((feature, holder))

    def member_data(self) -> tuple[tuple[str, MemberData], ...]:
        """Every feature's member data with the feature's name, in registry order."""
        return tuple(self._member_data)


class Erasure:
    """One member being forgotten: each feature erases its rows and names the strings of
    theirs (name, links, notes) that posts still queued or kept must no longer show."""

    def __init__(self, member: Member) -> None:
        self.member = member
        self._strings: set[str] = set()
        self._last: list[Callable[[Transaction], Awaitable[None]]] = []

    def redact(self, *strings: str | None) -> None:
        self._strings.update(s for s in strings if s and s.strip())

    @property
    def strings(self) -> frozenset[str]:
        return frozenset(self._strings)

    def at_end(self, step: Callable[[Transaction], Awaitable[None]]) -> None:
        """Run `step` after every feature has erased, in the same transaction: the outbox
        redacts its payloads there, once `strings` holds everything every feature named."""
        self._last.append(step)

    async def finish(self, tx: Transaction) -> None:
        """Run the steps `at_end` collected, in the order they were added."""
        for step in self._last:
            await step(tx)


class MemberData(Protocol):
    """What a feature holds about one member of one community."""

    async def export_member(self, tx: Transaction, member: Member) -> Mapping[str, list[Record]]:
        """Everything the feature holds about the member or gave them, by section name."""

    async def erase_member(self, tx: Transaction, erasure: Erasure) -> None:
        """Delete or anonymise everything the feature holds about `erasure.member`."""


@dataclass(frozen=True, slots=True)
class Exempt:
    """A column that could hold a member's identity or words but does not need erasing, and
    why."""

    column: sa.Column[Any]
    reason: str


def _none(*_: object) -> tuple[()]:
    return ()


def _no_suggesters(_: object) -> Mapping[Autocomplete, Suggest]:
    return {}


@dataclass(frozen=True, slots=True)
class Feature(Generic[S]):
    """One feature's declaration. `member_data` returns the part of the service that exports
    and erases; `personal` lists the owned columns it covers and `exempt` the ones that need
    no erasing, each with its reason (tests/test_privacy_coverage.py holds every table to it)."""

    name: str
    build: Callable[[Shared, Services], S]
    commands: Callable[[S, Services], Sequence[Command]] = _none
    jobs: Callable[[S, Services], Sequence[Job]] = _none
    suggesters: Callable[[S], Mapping[Autocomplete, Suggest]] = _no_suggesters
    tables: tuple[sa.Table, ...] = ()
    member_data: Callable[[S], MemberData] | None = None
    personal: tuple[sa.Column[Any], ...] = ()
    exempt: tuple[Exempt, ...] = field(default=())
