"""The `cohort` command line: run the bot, the console, migrations and content checks."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from importlib.metadata import version
from pathlib import Path

from pydantic import ValidationError

from adapters.http import serve_ops
from bot import eventloop
from bot.app import PACK_CHECKS, Cohort
from bot.clock import Clock, OffsetClock, ScaledClock, SystemClock
from bot.content.check import check
from bot.content.problems import ContentError
from bot.digests.refresher import run_refresher
from bot.help.reference import reference
from bot.logs import configure_logging
from bot.settings import Settings
from bot.storage import migrate
from bot.storage.database import Database
from bot.ticker import SchedulerBusy, SchedulerLock, run_ticker

log = logging.getLogger("cohort")

REFRESH_SECONDS = 300.0
SQLITE_DISCORD = (
    "another Cohort process runs on this SQLite database, and both would answer every Discord "
    "command; SQLite serves one process: stop the other one, or move to PostgreSQL, where "
    "processes share the Discord shards"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cohort", description=__doc__)
    parser.add_argument("--version", action="version", version=f"cohort {version('cohort-bot')}")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "run", help="start every platform whose credentials are set (the console when none is)"
    )
    sub.add_parser("console", help="use Cohort in this terminal")
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply every pending migration")
    content = sub.add_parser("content", help="content packs")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    check = content_sub.add_parser("check", help="validate a content pack and list every problem")
    check.add_argument("path", nargs="?", type=Path, help="the pack (default: the built-in one)")
    discord = sub.add_parser("discord", help="Discord maintenance")
    discord_sub = discord.add_subparsers(dest="discord_command", required=True)
    sync = discord_sub.add_parser(
        "sync", help="register the slash commands (after an upgrade that changed commands)"
    )
    sync.add_argument("--guild", type=int, help="only in this server (instant, for testing)")
    docs = sub.add_parser("docs", help="write docs/commands.md from the command catalogue")
    docs.add_argument("--output", default="docs/commands.md", help="where to write it")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        print(f"cohort: invalid settings: {problems}", file=sys.stderr)
        return 2
    configure_logging(
        settings.log_level, settings.secrets(), settings.log_format, settings.secret_patterns()
    )
    if args.command == "content":
        code, report = check(args.path or settings.content_dir, PACK_CHECKS)
        print(report, file=sys.stdout if code == 0 else sys.stderr)
        return code
    try:
        return _command(args, settings)
    except ContentError as error:
        print(f"cohort: {error}", file=sys.stderr)
        return 2


def _command(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "discord":
        return eventloop.run(_discord_sync(settings, args.guild), settings.event_loop)
    if args.command == "docs":
        return _write_docs(settings, Path(args.output))
    if args.command == "db":
        return eventloop.run(_db_upgrade(settings), settings.event_loop)
    half_set = settings.half_set_credentials()
    if args.command == "run" and half_set:
        print(f"cohort: {half_set}", file=sys.stderr)
        return 2
    if args.command == "console" or not (settings.discord_enabled or settings.slack_enabled):
        return eventloop.run(_console(settings), settings.event_loop)
    return eventloop.run(_run_platforms(settings), settings.event_loop)


def _write_docs(settings: Settings, output: Path) -> int:
    # The catalogue needs no database: an in-memory one keeps this from creating data/.
    cohort = Cohort(settings, SystemClock(), Database.connect("sqlite+aiosqlite://"))
    try:
        output.write_text(reference(cohort.catalogue), encoding="utf-8")
    except OSError as error:
        print(
            f"cohort: cannot write {output}: {error.strerror}; run it from the repository root "
            "or pass --output",
            file=sys.stderr,
        )
        return 2
    print(f"wrote {output}")
    return 0


async def _db_upgrade(settings: Settings) -> int:
    cohort = Cohort.from_settings(settings, SystemClock())
    try:
        await cohort.start()
        print(f"database is at revision {await migrate.current_revision(cohort.db)}")
    finally:
        await cohort.close()
    return 0


def _base_clock(settings: Settings) -> Clock:
    """The machine's clock, or the benchmarks' and tests' fixed-start one (COHORT_TEST_CLOCK)."""
    return ScaledClock.parse(settings.test_clock) if settings.test_clock else SystemClock()


async def _console(settings: Settings) -> int:
    from adapters.console.app import Console, stdin_reader

    clock = OffsetClock(_base_clock(settings))
    cohort = Cohort.from_settings(settings, clock)
    lock = SchedulerLock(settings.database_url)
    try:
        await cohort.start()
        busy: str | None = None
        try:
            lock.acquire()
        except SchedulerBusy as error:
            busy = str(error)
        console = Console(cohort, clock, sys.stdout, stdin_reader, sys.stdin.isatty(), busy)
        await _until_signal(console.run)
    finally:
        lock.release()
        await cohort.close()
    return 0


async def _run_platforms(settings: Settings) -> int:
    cohort = Cohort.from_settings(settings, _base_clock(settings))
    lock = SchedulerLock(settings.database_url)
    try:
        await cohort.start()
        busy: SchedulerBusy | None = None
        try:
            lock.acquire()
        except SchedulerBusy as error:
            if settings.discord_enabled and not settings.discord_shard_ids:
                print(f"cohort: {SQLITE_DISCORD}", file=sys.stderr)
                return 2
            busy = error
        if cohort.parse_workers is not None:
            await cohort.parse_workers.start()
            log.info("parsing feeds in %d worker process(es)", cohort.parse_workers.workers)
        log.info("running on the %s event loop", eventloop.loop_name())
        # What start-up built lives as long as the process: keep it out of the collector's
        # full passes, which otherwise add tens of milliseconds to a reply now and then.
        gc.freeze()
        services: list[Awaitable[None]] = []
        if busy is None:
            services.append(
                run_ticker(cohort.scheduler, settings.tick_seconds, cohort.wake_senders)
            )
        else:
            log.error("not starting the scheduler: %s", busy)
        # Feeds are claimed with a lease before each fetch, so every process may refresh.
        services.append(
            run_refresher(
                cohort.digests,
                cohort.clock,
                REFRESH_SECONDS,
                cohort.wake_senders,
                cohort.observe_refresh,
            )
        )
        if not settings.slack_serves_http:  # Slack's server carries health and metrics
            services.append(serve_ops(cohort, settings.http_host, settings.http_port))
        services.extend(platform_services(cohort, settings))
        await _until_signal(lambda: _all(services))
    finally:
        lock.release()
        await cohort.close()
    return 0


def platform_services(cohort: Cohort, settings: Settings) -> list[Awaitable[None]]:
    """The long-running service of every platform whose credentials are set. Each module is
    imported only when its platform is used, so the other platform's library never loads."""
    services: list[Awaitable[None]] = []
    if settings.discord_enabled:
        from adapters.discord.app import serve as serve_discord

        services.append(serve_discord(cohort, settings))
    if settings.slack_enabled:
        from adapters.slack.serve import serve as serve_slack

        services.append(serve_slack(cohort, settings))
    return services


async def _discord_sync(settings: Settings, guild_id: int | None) -> int:
    from adapters.discord.app import sync_commands

    if not settings.discord_enabled:
        print("cohort: set DISCORD_TOKEN to register Discord commands", file=sys.stderr)
        return 2
    cohort = Cohort.from_settings(settings, SystemClock())
    try:
        print(await sync_commands(cohort, settings, guild_id))
    finally:
        await cohort.close()
    return 0


async def _all(services: list[Awaitable[None]]) -> None:
    """Run services together; when one stops or fails, stop the others."""
    tasks = [asyncio.ensure_future(s) for s in services]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _until_signal(work: Callable[[], Awaitable[None]]) -> None:
    """Run `work` until it ends or SIGINT/SIGTERM arrives, then let it clean up."""
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(work())
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, task.cancel)
    try:
        await task
    except asyncio.CancelledError:
        log.info("shutting down")
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.remove_signal_handler(sig)
