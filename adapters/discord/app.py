"""Runs Cohort on Discord (`cohort run`) and registers its slash commands
(`cohort discord sync`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

import discord
import yarl

from adapters.discord.client import CohortClient, ShardedCohortClient
from adapters.discord.sender import DiscordSender
from bot.app import Cohort
from bot.dispatch import Dispatcher
from bot.outbox import Drainer
from bot.settings import Settings
from bot.shards import ShardLeases

log = logging.getLogger(__name__)


class ShardLost(Exception):
    """Another process took over a shard this one ran: stop, never run a shard twice."""


def invite_permissions() -> discord.Permissions:
    """Exactly the permissions Cohort needs in a server: see channels and post in them (with
    embeds and charts), and open private threads for matchups and talk in them. Slash
    commands, buttons and modals need no permission at all."""
    return discord.Permissions(
        view_channel=True,
        send_messages=True,
        embed_links=True,
        attach_files=True,
        create_private_threads=True,
        send_messages_in_threads=True,
    )


def invite_url(application_id: int) -> str:
    """The link a server admin opens to add Cohort with exactly those permissions."""
    return discord.utils.oauth_url(
        application_id,
        permissions=invite_permissions(),
        scopes=("bot", "applications.commands"),
    )


def apply_endpoints(settings: Settings) -> None:
    """Point discord.py at another REST base or gateway (a proxy, or the tests' fake).
    These are process-wide in discord.py, so they are set once, from the settings."""
    if settings.discord_api_base_url:
        discord.http.Route.BASE = settings.discord_api_base_url.rstrip("/")
    if settings.discord_gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


def shard_ids(settings: Settings) -> list[int] | None:
    """DISCORD_SHARD_IDS, such as `0,1,2`: the shards this process runs."""
    if not settings.discord_shard_ids:
        return None
    try:
        ids = sorted({int(part) for part in settings.discord_shard_ids.split(",") if part.strip()})
    except ValueError:
        raise ValueError("DISCORD_SHARD_IDS must be shard numbers separated by commas") from None
    count = settings.discord_shard_count
    if count is None:
        raise ValueError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT as well")
    if any(i < 0 or i >= count for i in ids):
        raise ValueError(f"DISCORD_SHARD_IDS must be between 0 and {count - 1}")
    return ids


def build_client(
    dispatcher: Dispatcher, settings: Settings, ids: list[int] | None = None
) -> CohortClient:
    """One gateway connection, or several shards when the shard settings ask for them (`ids`:
    the shards this process claimed, over DISCORD_SHARD_IDS)."""
    ids = ids if ids is not None else shard_ids(settings)
    if settings.discord_shard_count is None:
        return CohortClient(dispatcher)
    return ShardedCohortClient(dispatcher, shard_count=settings.discord_shard_count, shard_ids=ids)


def shard_leases(cohort: Cohort, settings: Settings) -> ShardLeases | None:
    """Shards claimed through the database: on PostgreSQL, with DISCORD_SHARD_COUNT set and
    DISCORD_SHARD_IDS not (which pins them by hand)."""
    count = settings.discord_shard_count
    if count is None or settings.discord_shard_ids or cohort.db.dialect != "postgresql":
        return None
    lease = timedelta(seconds=settings.discord_shard_lease_seconds)
    return ShardLeases(cohort.db, cohort.clock, count, lease)


def _token(settings: Settings) -> str:
    if settings.discord_token is None or not settings.discord_token.get_secret_value().strip():
        raise ValueError("DISCORD_TOKEN is not set")
    return settings.discord_token.get_secret_value()


async def serve(cohort: Cohort, settings: Settings) -> None:
    """Connect to Discord and deliver the outbox until cancelled, then close cleanly. With
    shard leases (`shard_leases`), wait for free shards, run them, and reconnect with more
    when this process takes over the shards of one that died."""
    token = _token(settings)
    apply_endpoints(settings)
    leases = shard_leases(cohort, settings)
    if leases is None:
        await _connect(cohort, settings, token, None, None)
        return
    try:
        while True:
            await _wait_for_shards(cohort, leases, settings.discord_shards_per_process)
            if not await _connect(cohort, settings, token, sorted(leases.held), leases):
                return
    finally:
        cohort.metrics.shards_held.set(0)
        with contextlib.suppress(Exception):
            await asyncio.shield(leases.release())


async def _wait_for_shards(cohort: Cohort, leases: ShardLeases, share: int | None) -> None:
    """Claim this process's share of the free shards, waiting for one to be free."""
    waited = False
    while not await leases.claim(share) and not leases.held:
        if not waited:
            log.info("every Discord shard is held by another process; waiting for one")
            waited = True
        await asyncio.sleep(leases.lease.total_seconds() / 4)
    cohort.metrics.shards_held.set(len(leases.held))


async def _keep(cohort: Cohort, leases: ShardLeases) -> None:
    """Renew the leases four times a lease; return when this process took over more shards
    (the caller reconnects with them); raise ShardLost when a lease was taken from it, or
    could not be renewed (the database unreachable) for as long as a lease lasts."""
    renewed = cohort.clock.now()
    while True:
        await asyncio.sleep(leases.lease.total_seconds() / 4)
        try:
            lost = await leases.renew()
            taken = set() if lost else await leases.claim(starting=False)
        except Exception:
            if cohort.clock.now() - renewed >= leases.lease:
                raise ShardLost("the Discord shard leases could not be renewed") from None
            log.warning("could not renew the Discord shard leases; trying again", exc_info=True)
            continue
        renewed = cohort.clock.now()
        if lost:
            raise ShardLost(
                f"the lease of Discord shard(s) {sorted(lost)} ran out (this process was "
                "stopped or cut off from the database) and another process took them over"
            )
        cohort.metrics.shards_held.set(len(leases.held))
        if taken:
            return


async def _connect(
    cohort: Cohort,
    settings: Settings,
    token: str,
    ids: list[int] | None,
    leases: ShardLeases | None,
) -> bool:
    """Run the gateway and the outbox; True when this process took over more shards and
    should connect again with them."""
    client = build_client(cohort.dispatcher, settings, ids)
    drainer = cohort.drainer(DiscordSender(client))

    async def connected() -> bool:
        return client.is_ready() and not client.is_closed()

    cohort.health.watch("discord", connected)
    async with client:
        await client.login(token)
        log.info("logged in to Discord as %s", client.user)
        tasks = {
            asyncio.create_task(client.connect(), name="discord-gateway"),
            asyncio.create_task(_deliver(client, drainer), name="discord-outbox"),
        }
        keeper = None
        if leases is not None:
            keeper = asyncio.create_task(_keep(cohort, leases), name="discord-shard-leases")
            tasks.add(keeper)
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # a gateway failure (bad token, intents) ends the service
            return keeper in done
        finally:
            cohort.health.lost("discord")
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task


async def _deliver(client: discord.Client, drainer: Drainer) -> None:
    await client.wait_until_ready()
    await drainer.run()


async def sync_commands(cohort: Cohort, settings: Settings, guild_id: int | None) -> str:
    """Register the catalogue's slash commands, globally or in one server (instantly, for
    trying changes out), and say what was done."""
    token = _token(settings)
    apply_endpoints(settings)
    client = CohortClient(cohort.dispatcher)
    async with client:
        await client.login(token)
        if guild_id is None:
            synced = await client.tree.sync()
            where = "globally (every server Cohort is in)"
        else:
            guild = discord.Object(guild_id)
            client.tree.copy_global_to(guild=guild)
            synced = await client.tree.sync(guild=guild)
            where = f"in server {guild_id} only"
    return f"Registered {len(synced)} slash commands {where}."
