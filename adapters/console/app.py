"""The console: reads lines from stdin, runs them as commands, prints the answers.

`/<command> ...` runs a command as the current user; `:as <name>` switches user;
`:organizer <name>` makes that user an organizer; `:advance <duration>` moves the clock and
runs whatever the scheduler has due; `:quit` ends. Works the same piped and interactive.
The clock's lead over real time is kept in the database, so a restart never goes back in time.
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TextIO

from adapters.console import render
from adapters.console.files import Shelf
from adapters.console.sender import ConsoleSender
from bot.app import Cohort
from bot.clock import OffsetClock
from bot.grammar import quote
from bot.identity import Caller, CommunityRef, MemberRef, Platform
from bot.markdown import plain
from bot.replies import ActionStyle, Answer, FieldKind, Form, FormField, Reply, Select, Tone
from bot.storage.host_values import HostValues

COMMUNITY = CommunityRef(Platform.CONSOLE, "local")
OPERATOR = "you"
CHANNEL = "console"
CLOCK_OFFSET = "console.clock_offset_seconds"
_DURATION = re.compile(r"^(\d+)([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}

ReadLine = Callable[[str], Awaitable[str | None]]


def parse_duration(text: str) -> timedelta:
    """`90m`, `3h`, `7d` or `2w` as a timedelta."""
    match = _DURATION.match(text.strip().lower())
    if not match:
        raise ValueError("give a duration like 30m, 3h, 7d or 2w")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


class Console:
    def __init__(
        self,
        cohort: Cohort,
        clock: OffsetClock,
        out: TextIO,
        read_line: ReadLine,
        interactive: bool,
        scheduler_busy: str | None = None,
    ) -> None:
        self._cohort = cohort
        self._clock = clock
        self._out = out
        self._read_line = read_line
        self._interactive = interactive
        self._user = OPERATOR
        self._scheduler_busy = scheduler_busy
        self._shelf = Shelf()
        self._drainer = cohort.drainer(ConsoleSender(out, self._shelf))
        self._host_values = HostValues(cohort.db)
        self._input_ended = False  # a terminal's end of input (Ctrl+D) is not sticky

    def _caller(self) -> Caller:
        return Caller(
            member=MemberRef(COMMUNITY, self._user),
            display_name=self._user,
            is_platform_admin=self._user == OPERATOR,
            channel_id=CHANNEL,
        )

    def _print(self, text: str) -> None:
        self._out.write(text + "\n")
        self._out.flush()

    async def run(self) -> None:
        if self._interactive:
            self._print("Cohort console. Type /help for commands, :quit to leave.")
        await self._restore_clock()
        if self._interactive:
            # Cohort arriving in front of a person: the guided setup, the first time only
            # (piped input is a script, which sets up with `setup` options).
            await self._cohort.dispatcher.arrived(COMMUNITY, CHANNEL)
            await self._drainer.drain()
        while not self._input_ended:
            line = await self._read_line(f"{self._user}> " if self._interactive else "")
            if line is None:
                return
            line = line.strip()
            if not line:
                continue
            if line.startswith(":"):
                if not await self._control(line):
                    return
            elif line.startswith("/"):
                await self._command(line[1:])
            elif self._cohort.dispatcher.catalogue.get(line.split()[0]) is not None:
                # The hints in replies are written without the slash (`goal done 1`), so a
                # line that starts with a command's name is that command, pasted as is.
                await self._command(line)
            else:
                self._print("Commands start with / (try /help); console controls start with :.")

    async def _control(self, line: str) -> bool:
        word, _, rest = line[1:].partition(" ")
        rest = rest.strip()
        if word == "quit":
            return False
        if word == "as" and rest:
            self._user = rest
            self._print(f"You are now {rest}.")
        elif word == "organizer" and rest:
            now = self._cohort.clock.now()  # the console host's time, like a command's
            community = await self._cohort.communities.resolve(COMMUNITY, now)
            await self._cohort.communities.add_organizer(community, rest, OPERATOR, now)
            self._print(f"{rest} is now an organizer.")
        elif word == "advance" and rest:
            try:
                delta = parse_duration(rest)
            except ValueError as error:
                self._print(f"error: {error}.")
                return True
            await self._advance(delta)
        elif word == "cancel":
            self._print("Nothing to cancel: :cancel stops a form while it asks for its fields.")
        else:
            self._print(
                "Console controls: :as <name>, :organizer <name>, :advance <30m|3h|7d>, "
                ":cancel (in a form), :quit"
            )
        return True

    async def _restore_clock(self) -> None:
        """Put the clock as far ahead as an earlier `:advance` on this database left it."""
        stored = await self._host_values.get(CLOCK_OFFSET)
        if stored is None or float(stored) <= 0:
            return
        self._clock.advance(timedelta(seconds=float(stored)))
        self._print(
            f"Clock is at {self._clock.now():%Y-%m-%d %H:%M} UTC, "
            f"{_span(self._clock.offset)} ahead of real time, as :advance left it."
        )

    async def _advance(self, delta: timedelta) -> None:
        """Move the clock forward, stopping at every scheduled occurrence on the way so each
        one runs on time, and print what the outbox delivers."""
        target = self._clock.now() + delta
        try:
            if self._scheduler_busy:
                self._clock.advance_to(target)
                self._print(f"Clock moved, but nothing scheduled runs here: {self._scheduler_busy}")
                return
            await self._cohort.digests.refresh(
                self._cohort.clock.now()
            )  # the digest job only reads stored feed items
            await self._cohort.scheduler.step_until(
                self._clock.advance_to, target, self._drainer.drain
            )
        finally:
            # Kept even when interrupted half-way: what ran on the way already happened.
            offset = self._clock.offset.total_seconds()
            await self._host_values.put(CLOCK_OFFSET, f"{offset:.6f}")
        self._print(f"Clock is now {self._clock.now():%Y-%m-%d %H:%M} UTC.")

    async def _command(self, line: str) -> None:
        answer = await self._cohort.dispatcher.run_line(self._caller(), line)
        await self._show(answer)
        # What the command queued (`match run`, `challenge post-now`) is posted at once.
        await self._drainer.drain()

    async def _show(self, answer: Answer) -> None:
        if not isinstance(answer, Form):
            self._print(render.reply(answer, self._shelf))
            if answer.selects and self._interactive:
                await self._choose(answer)
            return
        if self._interactive:
            await self._fill(answer)
        elif answer.missing():
            self._print(render.missing_fields(answer))
        else:
            await self._submit(answer, {f.name: f.value for f in answer.fields})

    async def _fill(self, form: Form) -> None:
        """Ask for each field, checking each as it is typed. When the command still refuses
        the whole, ask again with everything typed kept; `:cancel` stops at any prompt."""
        self._print(render.form_intro(form))
        values = {f.name: f.value for f in form.fields}
        while True:
            for field in form.fields:
                value = await self._ask(form, field, values[field.name])
                if value is None:
                    self._print("Cancelled: nothing was sent.")
                    return
                values[field.name] = value
            given = {k: v for k, v in values.items() if v.strip()}
            answer = await self._cohort.dispatcher.run(self._caller(), form.command, given)
            await self._show(answer)
            await self._drainer.drain()
            if not (isinstance(answer, Reply) and answer.tone is Tone.ERROR):
                return
            self._print(render.FIX_FORM)

    async def _choose(self, answer: Reply) -> None:
        """A reply with pickers: Enter presses its primary button; `pick` asks each picker in
        turn and runs what was chosen, one line per command; anything else is a command."""
        primary = next((a for a in answer.actions if a.style is ActionStyle.PRIMARY), None)
        typed = await self._read_line(render.choosing(primary))
        if typed is None:
            self._input_ended = True
            return
        typed = typed.strip()
        if not typed:
            if primary is not None:
                await self._command(primary.command)
            return
        if typed.lower() != "pick":
            await self._command(typed.removeprefix("/"))
            return
        chosen: dict[str, list[str]] = {}
        for select in answer.selects:
            value = await self._pick(select)
            if value is None:
                self._print("Cancelled: nothing was changed.")
                return
            if value and value != ",".join(select.current):
                chosen.setdefault(select.command, []).append(f"{select.option}:{quote(value)}")
        for command, options in chosen.items():
            await self._command(" ".join([command, *options]))
        if not chosen:
            self._print("Nothing changed.")

    async def _pick(self, select: Select) -> str | None:
        """One picker's value once the command accepts it ("" keeps it); None when cancelled."""
        while True:
            typed = await self._read_line(render.select_prompt(select))
            if typed is None:
                self._input_ended = True
                return None
            value = typed.strip()
            if value == ":cancel":
                return None
            if value in ("", render.EMPTY):
                return ""
            problem = await self._cohort.dispatcher.problem(
                self._caller(), select.command.split(), select.option, value
            )
            if problem is None:
                return value
            self._print(f"error: {plain(problem)}")

    async def _ask(self, form: Form, field: FormField, current: str) -> str | None:
        """One field's value, once it passes the option's checks; None when cancelled."""
        while True:
            typed = await self._read_line(render.field_prompt(field, current))
            if typed is None:
                self._input_ended = True
                return None
            if typed.strip() == ":cancel":
                return None
            value = "" if typed.strip() == render.EMPTY else typed.strip() or current
            if not value and field.required:
                self._print(f"error: {plain(field.label)} is required.")
                continue
            if value and field.kind is FieldKind.CHOICE and field.choices:
                picked = render.chosen(field, value)
                if picked is None:
                    self._print(f"error: give a number from 1 to {len(field.choices)}.")
                    continue
                value = picked
            problem = await self._cohort.dispatcher.problem(
                self._caller(), form.command, field.name, value
            )
            if problem is None:
                return value
            self._print(f"error: {plain(problem)}")

    async def _submit(self, form: Form, values: dict[str, str]) -> None:
        line = " ".join(
            [*form.command, *(f"{k}:{quote(v)}" for k, v in values.items() if v.strip())]
        )
        await self._command(line)


def _span(delta: timedelta) -> str:
    """`14d 3h`, `2h 5m` or `under a minute`: a clock offset for people, to the minute."""
    hours, minutes = divmod(round(delta.total_seconds() / 60), 60)
    days, hours = divmod(hours, 24)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n]
    return " ".join(parts) or "under a minute"


async def stdin_reader(prompt: str) -> str | None:
    """Read one line from stdin without blocking the event loop; None at end of input."""
    if prompt:
        sys.stdout.write(prompt)
        sys.stdout.flush()
    line = await asyncio.to_thread(sys.stdin.readline)
    return line if line else None
