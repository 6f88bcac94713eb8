"""Fair use as members meet it: the dispatcher holds commands back with one polite line."""

from __future__ import annotations

import asyncio

from bot.app import Cohort
from bot.commands import HEAVY, Args, Catalogue, Command
from bot.context import Context
from bot.dispatch import Dispatcher
from bot.fairuse.limits import FairUse, Limits
from bot.identity import CommunityRef, Platform
from bot.metrics import Metrics
from bot.replies import Answer, Reply, Tone
from tests.support import caller, reply

GUILD = CommunityRef(Platform.DISCORD, "4242")


def test_cards_exports_and_previews_are_declared_heavy(cohort: Cohort) -> None:
    heavy = {
        " ".join(path)
        for path, command in _leaves(cohort.catalogue.commands, ())
        if command.cost == HEAVY
    }
    assert heavy == {
        "progress",
        "stats",
        "export",
        "digest preview",
        "match preview",
        "match run",
        "report preview",
    }


async def test_a_member_with_a_command_in_flight_is_asked_to_wait_politely(
    cohort: Cohort,
) -> None:
    release = asyncio.Event()

    async def card(ctx: Context, args: Args) -> Answer:
        await release.wait()
        return Reply(body="a card")

    async def lookup(ctx: Context, args: Args) -> Answer:
        return Reply(body="found")

    metrics = Metrics()
    dispatcher = Dispatcher(
        Catalogue((Command("card", "Heavy", card, cost=HEAVY), Command("look", "Light", lookup))),
        cohort.communities,
        cohort.clock,
        metrics,
        FairUse(Limits(member_concurrent=4)),
    )
    ada, bob = caller("ada", community=GUILD), caller("bob", community=GUILD)
    drawing = asyncio.ensure_future(dispatcher.run_line(ada, "card"))
    await asyncio.sleep(0.01)
    assert reply(await dispatcher.run_line(ada, "look")).body == "found"  # 3 + 1 fit in 4
    held = reply(await dispatcher.run_line(ada, "card"))
    assert held.tone is Tone.ERROR
    assert held.body == (
        "I'm still working on your earlier commands; please send this one again once they "
        "are answered."
    )
    assert "\n" not in held.body
    assert reply(await dispatcher.run_line(bob, "look")).body == "found"
    release.set()
    assert reply(await drawing).body == "a card"
    assert reply(await dispatcher.run_line(ada, "card")).body == "a card"
    limited = metrics.registry.get_sample_value(
        "cohort_command_errors_total", {"command": "card", "kind": "limited"}
    )
    assert limited == 1


async def test_forty_progress_cards_at_once_from_one_member_draw_one(cohort: Cohort) -> None:
    ada = caller("ada", community=GUILD)
    await cohort.dispatcher.run_line(ada, "join timezone:Europe/Berlin")
    answers = [
        reply(a)
        for a in await asyncio.gather(
            *(cohort.dispatcher.run_line(ada, "progress") for _ in range(40))
        )
    ]
    drawn = [a for a in answers if a.image is not None]
    held = [a for a in answers if a.tone is Tone.ERROR]
    assert (len(drawn), len(held)) == (1, 39)
    assert all("still working on your earlier commands" in a.body for a in held)


async def test_the_console_is_its_operators_own_and_has_no_limits(cohort: Cohort) -> None:
    answers = await asyncio.gather(
        *(cohort.dispatcher.run_line(caller(), "help") for _ in range(60))
    )
    assert all(reply(a).tone is not Tone.ERROR for a in answers)


def _leaves(
    commands: tuple[Command, ...], prefix: tuple[str, ...]
) -> list[tuple[tuple[str, ...], Command]]:
    found: list[tuple[tuple[str, ...], Command]] = []
    for command in commands:
        path = (*prefix, command.name)
        if command.subcommands:
            found.extend(_leaves(command.subcommands, path))
        else:
            found.append((path, command))
    return found
