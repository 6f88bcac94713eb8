"""Runs commands for every adapter: resolves the community, checks who may run what,
validates options against the catalogue, and turns failures into replies.

Nothing here ever shows a traceback to a user: unexpected errors are logged with a short
error id, and the reply carries that id so an organizer can find the log line.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime

from bot.clock import Clock
from bot.commands import (
    Access,
    Autocomplete,
    Catalogue,
    Command,
    bind,
    check_value,
    clip,
    timezone_names,
    validate,
)
from bot.communities.service import CommunityService
from bot.context import Context
from bot.errors import UserError
from bot.fairuse.limits import Admission, FairUse, Limits, Refusal
from bot.grammar import GrammarError, tokenize
from bot.identity import Caller, CommunityRef, Platform
from bot.interactive import interactive
from bot.metrics import Metrics
from bot.replies import Answer, Reply

log = logging.getLogger(__name__)


Suggest = Callable[["Context", str], Awaitable[list[str]]]
Arrival = Callable[[CommunityRef, str, datetime], Awaitable[None]]

MAX_SUGGESTIONS = 25


class Dispatcher:
    def __init__(
        self,
        catalogue: Catalogue,
        communities: CommunityService,
        clock: Clock,
        metrics: Metrics | None = None,
        fair_use: FairUse | None = None,
    ) -> None:
        self.catalogue = catalogue
        self._communities = communities
        self._clock = clock
        self._metrics = metrics or Metrics()
        # No limits unless the composition root sets them (Cohort does, from Settings).
        self._fair_use = fair_use or FairUse(Limits(0, 0, 0, 0))
        self._arrival: Arrival | None = None
        self._suggesters: dict[Autocomplete, Suggest] = {
            Autocomplete.TIMEZONE: _suggest_timezones,
            Autocomplete.COMMAND: self._suggest_commands,
        }

    def add_suggester(self, source: Autocomplete, suggest: Suggest) -> None:
        """Let a feature answer autocomplete for one of its sources (milestones, ...)."""
        self._suggesters[source] = suggest

    def on_arrival(self, welcome: Arrival) -> None:
        """What to do when Cohort arrives in a community (the guided setup's welcome)."""
        self._arrival = welcome

    async def arrived(self, community: CommunityRef, channel_id: str) -> None:
        """Cohort was added to a server or installed in a workspace (or the console started
        on a new database); `channel_id` is where it may greet the organizers. Never raises:
        a platform event has nobody to answer."""
        if self._arrival is None:
            return
        try:
            await self._arrival(community, channel_id, self._clock.now())
        except Exception:
            log.exception("welcoming community %s failed", community)

    async def suggestions(self, caller: Caller, source: Autocomplete, typed: str) -> list[str]:
        """Up to 25 values for an option while the user types it; never raises."""
        suggest = self._suggesters.get(source)
        if suggest is None:
            return []
        try:
            context = await self._context(caller)
            return (await suggest(context, typed.strip()[:100]))[:MAX_SUGGESTIONS]
        except Exception:
            log.exception("autocomplete for %s failed", source)
            return []

    async def _suggest_commands(self, context: Context, typed: str) -> list[str]:
        return [n for n in self.catalogue.names() if n.startswith(typed.lower())]

    async def run_line(self, caller: Caller, line: str) -> Answer:
        """Run one line of the text grammar (Slack's `/cohort ...`, the console)."""
        try:
            tokens = tokenize(line)
            path, command, used = self.catalogue.resolve([t.text for t in tokens])
            raw = bind(command, tokens[used:])
        except GrammarError as error:
            return Reply.error(f"I could not read that line: {error}.")
        except UserError as error:
            return Reply.error(error.message)
        return await self.run(caller, path, raw)

    async def run(self, caller: Caller, path: Sequence[str], raw: Mapping[str, str]) -> Answer:
        """Run the command at `path` with raw option values (Discord, forms, buttons)."""
        now = self._clock.now()  # the command's time, for the limits and its handler
        try:
            name, command = self._resolved(path)
        except UserError as error:
            self._metrics.command_errors.labels("unknown", "refused").inc()
            return Reply.error(error.message)
        admitted = self._admit(caller, command, now)
        if isinstance(admitted, Refusal):
            self._metrics.command_errors.labels(name, "limited").inc()
            log.debug("command %s held back: %s limit", name, admitted.scope)
            return Reply.error(admitted.message)
        try:
            with self._metrics.command(name), interactive():
                return await self._run(caller, name, command, raw, now)
        finally:
            if admitted is not None:
                admitted.release()

    def _admit(self, caller: Caller, command: Command, now: datetime) -> Admission | Refusal | None:
        """Fair use, counted per member and per community; the console is its operator's own
        terminal, so it has no limits."""
        community = caller.member.community
        if community.platform is Platform.CONSOLE:
            return None
        return self._fair_use.admit(caller.member, community, command.cost, now)

    async def _run(
        self, caller: Caller, name: str, command: Command, raw: Mapping[str, str], now: datetime
    ) -> Answer:
        try:
            context = await self._context(caller, now)
            if command.access is Access.ORGANIZER and not context.is_organizer:
                self._metrics.command_errors.labels(name, "refused").inc()
                return Reply.error(
                    f"Only organizers can run `{name}`. A server admin, or an "
                    "organizer with `setup organizer:@you`, can make you one."
                )
            args = validate(command, raw, context.today())
            if command.handler is None:
                raise RuntimeError(f"command {name} has no handler")
            return await command.handler(context, args)
        except UserError as error:
            self._metrics.command_errors.labels(name, "refused").inc()
            return Reply.error(error.message)
        except Exception:
            error_id = secrets.token_hex(4)
            self._metrics.command_errors.labels(name, "failed").inc()
            log.exception("command %s failed (error id %s)", name, error_id)
            return Reply.error(
                "Something went wrong on my side; nothing you typed caused it. "
                f"If it keeps happening, give an organizer this error id: `{error_id}`."
            )

    async def problem(
        self, caller: Caller, path: Sequence[str], name: str, text: str
    ) -> str | None:
        """What is wrong with one option value of the command at `path`, or None: forms check
        each field as it is entered. Checks the value only; the handler may still refuse it."""
        try:
            command = self._leaf(path)
            check_value(command, name, text, (await self._context(caller)).today())
        except UserError as error:
            return error.message
        return None

    def _leaf(self, path: Sequence[str]) -> Command:
        return self._resolved(path)[1]

    def _resolved(self, path: Sequence[str]) -> tuple[str, Command]:
        """The command's own name (`digest preview`, whatever the case typed) and itself."""
        canonical, command, used = self.catalogue.resolve(list(path))
        if used != len(path):
            raise UserError(f"There is no command `{clip(' '.join(path))}`.")
        return " ".join(canonical), command

    async def _context(self, caller: Caller, now: datetime | None = None) -> Context:
        now = now or self._clock.now()
        community, is_organizer = await self._communities.for_caller(caller, now)
        return Context(caller, community, is_organizer, now)


async def _suggest_timezones(context: Context, typed: str) -> list[str]:
    """Zones whose name contains what was typed, the ones starting with it first."""
    needle = typed.lower().replace(" ", "_")
    matches = sorted(z for z in timezone_names() if needle in z.lower() and "/" in z)
    starts = [z for z in matches if z.lower().startswith(needle) or f"/{needle}" in z.lower()]
    rest = [z for z in matches if z not in starts]
    return (starts + rest)[:MAX_SUGGESTIONS]
