"""Fixtures for the Discord tests: the loopback fake, real clients connected to it, and a
small catalogue of probe commands that exercise what the core catalogue may not have yet."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import discord
import pytest
import yarl
from pydantic import SecretStr

from adapters.discord.client import CohortClient
from bot.app import Cohort
from bot.commands import Access, Args, Autocomplete, Catalogue, Command, Option, OptionKind
from bot.context import Context
from bot.dispatch import Dispatcher
from bot.grammar import quote
from bot.markdown import escape
from bot.replies import Action, Answer, Field, FieldKind, Form, FormField, Image, Reply
from bot.settings import Settings
from tests.fakes.discord_fake import TOKEN, FakeDiscord

COLOURS = tuple(f"colour-{i:02d}" for i in range(30))  # more than Discord's 25 choices
MILESTONES = ("Python basics", "Prompting 101", "Retrieval and RAG")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

Start = Callable[[Dispatcher], Awaitable[CohortClient]]


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    # Whatever a test configures, discord.py talks to the fake and never to the internet.
    monkeypatch.setattr(discord.http.Route, "BASE", server.api_url)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway_url)
    )
    yield server
    await server.close()


@pytest.fixture
def discord_settings(settings: Settings, fake: FakeDiscord) -> Settings:
    return settings.model_copy(
        update={
            "discord_token": SecretStr(TOKEN),
            "discord_api_base_url": fake.api_url,
            "discord_gateway_url": fake.gateway_url,
        }
    )


@pytest.fixture
async def start(fake: FakeDiscord) -> AsyncIterator[Start]:
    """Starts real clients against the fake; every one is closed at the end of the test."""
    running: list[tuple[CohortClient, asyncio.Task[None]]] = []

    async def _start(dispatcher: Dispatcher) -> CohortClient:
        # discord.py waits this long after the last server arrives before it is ready.
        client = CohortClient(dispatcher, guild_ready_timeout=0.05)
        await client.login(TOKEN)
        task = asyncio.create_task(client.connect(reconnect=False))
        running.append((client, task))
        await asyncio.wait_for(client.wait_until_ready(), 10)
        return client

    yield _start
    for client, task in running:
        await client.close()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def probe_catalogue() -> Catalogue:
    """Commands shaped like the ones the core is growing: a form, long answers, a slow one,
    one for organizers, many choices, feature autocomplete and a picture."""

    async def checkin(ctx: Context, args: Args) -> Answer:
        done = args.text("done")
        if done is None:
            return Form(
                title="Weekly check-in",
                command=("checkin",),
                intro="Three quick questions about your week.",
                fields=(
                    FormField(
                        "done",
                        "What did you get done?",
                        required=True,
                        kind=FieldKind.LONG_TEXT,
                        max_length=500,
                    ),
                    FormField(
                        "next", "What comes next?", required=True, value=args.text("next") or ""
                    ),
                    FormField("blockers", "Anything in your way?", placeholder="optional"),
                ),
            )
        return Reply(
            title="Checked in",
            body=f"**Done:** {escape(done)}\n**Next:** {escape(args.text('next') or '')}",
            private=False,
        )

    async def echo(ctx: Context, args: Args) -> Answer:
        text = args.text("text") or ""
        return Reply(
            title=escape(text),
            body=escape(text),
            items=(escape(text),),
            fields=(Field(escape(text), escape(text)),),
            actions=(Action("Again", f"echo {quote(text)}"),),
            private=False,
        )

    async def long(ctx: Context, args: Args) -> Answer:
        paragraphs = args.integer("paragraphs") or 0
        fields = args.integer("fields") or 0
        return Reply(
            title="T" * 300,
            body="\n\n".join(f"Paragraph {i}: " + "word " * 300 for i in range(paragraphs)),
            fields=tuple(Field(f"Field {i} " + "n" * 300, "v" * 1500) for i in range(fields)),
            items=tuple(f"item {i}" for i in range(paragraphs)),
        )

    async def slow(ctx: Context, args: Args) -> Answer:
        return Reply(title="Done slowly", private=not args.boolean("public"))

    async def pick(ctx: Context, args: Args) -> Answer:
        return Reply(body=escape(args.text("colour") or ""))

    async def milestone(ctx: Context, args: Args) -> Answer:
        return Reply(body=escape(args.text("name") or ""))

    async def organize(ctx: Context, args: Args) -> Answer:
        return Reply(title="Organized")

    async def survey(ctx: Context, args: Args) -> Answer:
        answer = args.text("answer")
        if answer is None:
            return Form(
                title="Quick survey",
                command=("survey",),
                fields=(FormField("answer", "Your answer", required=True),),
            )
        return Reply(title="Thanks", body=escape(answer))

    async def picture(ctx: Context, args: Args) -> Answer:
        return Reply(title="Progress", image=Image("progress chart.png", PNG, "A bar chart"))

    text = OptionKind.TEXT
    return Catalogue(
        (
            Command(
                "checkin",
                "Check in for the week",
                checkin,
                options=(
                    Option("done", "What you got done", text, max_length=500),
                    Option("next", "What comes next", text),
                    Option("blockers", "Anything in your way", text),
                ),
            ),
            Command(
                "echo",
                "Say it back",
                echo,
                options=(Option("text", "What to say", text, required=True, positional=True),),
            ),
            Command(
                "long",
                "A very long answer",
                long,
                options=(
                    Option("paragraphs", "How many", OptionKind.INTEGER, min_value=0, max_value=50),
                    Option("fields", "How many", OptionKind.INTEGER, min_value=0, max_value=60),
                ),
            ),
            Command(
                "slow",
                "Takes a while",
                slow,
                slow=True,
                options=(Option("public", "Show everyone", OptionKind.BOOLEAN),),
            ),
            Command(
                "pick",
                "Pick a colour",
                pick,
                options=(
                    Option("colour", "A colour", OptionKind.CHOICE, required=True, choices=COLOURS),
                ),
            ),
            Command(
                "milestone",
                "Find a milestone",
                milestone,
                options=(
                    Option("name", "Milestone", required=True, autocomplete=Autocomplete.MILESTONE),
                ),
            ),
            Command("organize", "Organizers only", organize, access=Access.ORGANIZER),
            Command(
                "survey",
                "A slow form",
                survey,
                slow=True,
                options=(Option("answer", "Your answer", text),),
            ),
            Command("picture", "A chart", picture),
        )
    )


@pytest.fixture
def probe(cohort: Cohort) -> Dispatcher:
    dispatcher = Dispatcher(probe_catalogue(), cohort.communities, cohort.clock)

    async def milestones(ctx: Context, typed: str) -> list[str]:
        return [m for m in MILESTONES if typed.lower() in m.lower()]

    dispatcher.add_suggester(Autocomplete.MILESTONE, milestones)
    return dispatcher
