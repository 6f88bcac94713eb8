"""The discord.py client: no privileged intents, no mentions unless a message opts in, the
catalogue's slash commands, and buttons and modals that keep working after a restart."""

from __future__ import annotations

import logging
import re
from typing import Any, Self

import discord
from discord import app_commands
from discord.ui.select import BaseSelect

from adapters.discord import commands, convert
from adapters.discord.convert import Interaction
from adapters.discord.handlers import Handlers
from bot.dispatch import Dispatcher

log = logging.getLogger(__name__)

# Long 429s are handed back to the outbox (which waits without sending anything) instead of
# being slept through inside a request; 30 s is the least discord.py accepts.
MAX_RATELIMIT_WAIT = 30.0


def _handlers(interaction: Interaction) -> Handlers:
    client = interaction.client
    if not isinstance(client, CohortClient):
        raise TypeError("Cohort's buttons only work on a CohortClient")
    return client.handlers


class RunButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=convert.RUN_TEMPLATE
):
    """Any button whose custom id is `cohort:run:<command line>`."""

    def __init__(self, item: discord.ui.Button[discord.ui.View], run: convert.Run) -> None:
        super().__init__(item)
        self.run = run

    @classmethod
    async def from_custom_id(
        cls,
        interaction: Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        if not isinstance(item, discord.ui.Button):
            raise TypeError("a cohort:run id on something other than a button")
        return cls(item, convert.parse_run(match))

    async def callback(self, interaction: Interaction) -> None:
        await _handlers(interaction).run(interaction, self.run)


class FormButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=convert.FORM_TEMPLATE
):
    """Any button whose custom id is `cohort:form:<command path>`: it opens that form."""

    def __init__(
        self, item: discord.ui.Button[discord.ui.View], target: convert.FormTarget
    ) -> None:
        super().__init__(item)
        self.target = target

    @classmethod
    async def from_custom_id(
        cls,
        interaction: Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        target = convert.parse_form(match.group(0))
        if not isinstance(item, discord.ui.Button) or target is None:
            raise TypeError("a cohort:form id on something other than a button")
        return cls(item, target)

    async def callback(self, interaction: Interaction) -> None:
        await _handlers(interaction).open_form(interaction, self.target)


class PickSelect(
    discord.ui.DynamicItem[discord.ui.Item[discord.ui.View]], template=convert.PICK_TEMPLATE
):
    """Any select (of channels or of choices) whose custom id is `cohort:pick:<command>
    <option>`: the choice becomes that option's value."""

    def __init__(self, item: discord.ui.Item[discord.ui.View], pick: convert.Pick) -> None:
        super().__init__(item)
        self.pick = pick

    @classmethod
    async def from_custom_id(
        cls,
        interaction: Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        if not isinstance(item, BaseSelect):
            raise TypeError("a cohort:pick id on something other than a select")
        return cls(item, convert.parse_pick(match))

    async def callback(self, interaction: Interaction) -> None:
        await _handlers(interaction).pick(interaction, self.pick)


def client_options() -> dict[str, Any]:
    """What every Cohort client is built with."""
    return {
        "intents": discord.Intents.default(),
        "allowed_mentions": discord.AllowedMentions.none(),
        "max_ratelimit_timeout": MAX_RATELIMIT_WAIT,
        "chunk_guilds_at_startup": False,
    }


class CohortTree(app_commands.CommandTree[discord.Client]):
    """The slash command tree, with a clear word to the operator when Discord's registered
    commands are out of date with this version."""

    async def on_error(
        self, interaction: Interaction, error: app_commands.AppCommandError, /
    ) -> None:
        if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
            log.warning(
                "Discord's slash commands differ from this version of Cohort (%s); "
                "run `cohort discord sync`",
                error,
            )
            return
        await super().on_error(interaction, error)


# Cohort never joins voice channels: discord.py's start-up warnings that the voice libraries
# are missing would only make operators look for a problem that is not there.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


class CohortClient(discord.Client):
    """Cohort on Discord. `tree` holds the catalogue's slash commands; registering them with
    Discord is a separate step (`cohort discord sync`), not done on every start."""

    def __init__(self, dispatcher: Dispatcher, **options: Any) -> None:
        super().__init__(**client_options(), **options)
        self.handlers = Handlers(dispatcher)
        self.tree = CohortTree(
            self,
            allowed_contexts=app_commands.AppCommandContext(
                guild=True, dm_channel=False, private_channel=False
            ),
            allowed_installs=app_commands.AppInstallationType(guild=True, user=False),
        )
        commands.register(self.tree, dispatcher.catalogue, self.handlers)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(RunButton, FormButton, PickSelect)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        """Cohort was added to a server: the guided setup goes to the channel where the server
        greets newcomers, or else the first one Cohort may post in."""
        channel = _greeting_channel(guild)
        if channel is None:
            log.info("joined server %s but may post in none of its channels", guild.id)
            return
        await self.handlers.arrived(str(guild.id), str(channel.id))

    async def on_interaction(self, interaction: Interaction) -> None:
        """Modal submissions, handled from their custom id alone so a form opened before a
        restart can still be submitted after it."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        custom_id = dict(interaction.data or {}).get("custom_id")
        target = convert.parse_form(custom_id) if isinstance(custom_id, str) else None
        if target is not None:
            await self.handlers.submit_form(interaction, target)


def _greeting_channel(guild: discord.Guild) -> discord.TextChannel | None:
    def may_post(channel: discord.TextChannel) -> bool:
        return channel.permissions_for(guild.me).send_messages

    system = guild.system_channel
    if system is not None and may_post(system):
        return system
    return next((c for c in guild.text_channels if may_post(c)), None)


class ShardedCohortClient(CohortClient, discord.AutoShardedClient):
    """The same client over several gateway shards, for large deployments."""
