"""The address policy where connections are made: every spelling of a private host is refused
without the allow-list and fetched with it, on a loopback server; names, literals, redirects."""

# ruff: noqa: RUF001 - look-alike digits are what these tests are about

from __future__ import annotations

import asyncio
import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.app import Cohort
from bot.clock import ManualClock
from bot.digests.addresses import AllowList, is_public
from bot.digests.fetcher import FeedFetcher, FetchLimits, FetchRequest, FetchResult, Outcome
from bot.settings import Settings
from bot.storage.database import Database
from tests.fakes.feed_server import FeedServer, Post, offline_fetcher, rss20

DOCUMENT = rss20([Post("Hello", "https://a.org/1", "g1")])
LIMITS = FetchLimits(timeout=2.0, connect_timeout=0.5)
BOUND = 5.0

# Every spelling of 127.0.0.1 that some layer (yarl, aiohttp, the resolver) turns into it.
LOOPBACK_FORMS = [
    "127.0.0.1",
    "localhost",
    "LOCALHOST",
    "localhost.",
    "127.0.0.1.",
    "１２７.０.０.１",  # full-width digits
    "127。0。0。1",  # ideographic full stops
    "①②⑦.⓪.⓪.①",  # circled digits
    "１２７。０。０。１",
    "127.1",
    "2130706433",
    "0x7f.0.0.1",
    "0177.0.0.1",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
]
# The cloud metadata address, likewise; nothing listens there in tests.
METADATA_FORMS = [
    "169.254.169.254",
    "１６９.２５４.１６９.２５４",
    "169。254。169。254",
    "⑯⑨.②⑤④.⑯⑨.②⑤④",
    "2852039166",
    "169.254.43518",
    "[::ffff:169.254.169.254]",
    "[2002:a9fe:a9fe::]",  # 6to4
    "[64:ff9b::a9fe:a9fe]",  # NAT64
]
OTHER_PRIVATE = [
    "[::1]",
    "0.0.0.0",  # noqa: S104 - an address refused, not bound
    "0",
    "10.0.0.1",
    "192.168.1.1",
    "[fe80::1]",
    "[fc00::1]",
]


async def fetch(fetcher: FeedFetcher, url: str) -> FetchResult:
    async with fetcher.batch() as batch:
        return await asyncio.wait_for(batch.fetch(FetchRequest(url)), BOUND)


@pytest.mark.parametrize("host", LOOPBACK_FORMS + METADATA_FORMS + OTHER_PRIVATE)
async def test_every_spelling_of_a_private_host_is_refused_without_connecting(
    feed_server: FeedServer, clock: ManualClock, host: str
) -> None:
    feed_server.serve("/f", DOCUMENT)
    result = await fetch(
        offline_fetcher(clock, limits=LIMITS), f"http://{host}:{feed_server.port}/f"
    )
    assert result.outcome is Outcome.REFUSED, result
    assert feed_server.hits == []


@pytest.mark.parametrize("host", LOOPBACK_FORMS)
async def test_every_spelling_of_loopback_is_fetched_once_allowed(
    feed_server: FeedServer, clock: ManualClock, host: str
) -> None:
    feed_server.serve("/f", DOCUMENT)
    fetcher = offline_fetcher(clock, AllowList.parse("127.0.0.0/8"), LIMITS)
    result = await fetch(fetcher, f"http://{host}:{feed_server.port}/f")
    if host in ("127.1", "2130706433", "0177.0.0.1", "127.0.0.1."):
        # aiohttp itself refuses numeric hosts that are not plain dotted quads.
        assert result.outcome is Outcome.REFUSED
        assert result.problem == "the address is not a valid URL"
    else:
        assert result.outcome is Outcome.FETCHED, result
        assert feed_server.count("/f") == 1


@pytest.mark.parametrize("host", METADATA_FORMS)
async def test_the_metadata_address_is_tried_only_when_allowed(
    clock: ManualClock, host: str
) -> None:
    fetcher = offline_fetcher(clock, AllowList.parse("169.254.169.254"), LIMITS)
    result = await fetch(fetcher, f"http://{host}/latest/meta-data/")
    if host in ("2852039166", "169.254.43518"):
        assert result.problem == "the address is not a valid URL"
    elif host.startswith("[20") or host.startswith("[64"):
        # 6to4 and NAT64 reach it through a relay: another host, not allowed.
        assert result.outcome is Outcome.REFUSED
    else:
        # Allowed, so a connection is tried; nothing answers there in a test.
        assert result.outcome is Outcome.FAILED, result


async def test_an_allowed_host_name_is_fetched_whatever_it_resolves_to(
    feed_server: FeedServer, clock: ManualClock
) -> None:
    feed_server.serve("/f", DOCUMENT)
    fetcher = offline_fetcher(clock, AllowList.parse("intranet.example, LocalHost"), LIMITS)
    assert (await fetch(fetcher, feed_server.url("/f").replace("127.0.0.1", "localhost"))).outcome
    assert feed_server.count("/f") == 1
    refused = await fetch(fetcher, feed_server.url("/f"))  # the address itself is not allowed
    assert refused.outcome is Outcome.REFUSED


async def test_a_redirect_to_a_private_address_is_refused(
    feed_server: FeedServer, clock: ManualClock
) -> None:
    feed_server.redirect("/f", f"http://１２７.０.０.１:{feed_server.port}/g")
    feed_server.serve("/g", DOCUMENT)
    fetcher = offline_fetcher(clock, AllowList.parse("localhost"), LIMITS)
    result = await fetch(fetcher, feed_server.url("/f").replace("127.0.0.1", "localhost"))
    assert result.outcome is Outcome.REFUSED
    assert feed_server.count("/g") == 0


async def test_a_refusal_says_nothing_about_what_listens_there(
    feed_server: FeedServer, clock: ManualClock
) -> None:
    feed_server.serve("/f", DOCUMENT)
    fetcher = offline_fetcher(clock, limits=LIMITS)
    open_port = await fetch(fetcher, feed_server.url("/f"))
    closed_port = await fetch(fetcher, "http://127.0.0.1:1/f")
    assert open_port.problem == closed_port.problem
    assert open_port.outcome is closed_port.outcome is Outcome.REFUSED


@pytest.mark.parametrize(
    "url", ["http://user:pw@example.org/feed", "http://user@example.org/feed", "ftp://a.org/f"]
)
async def test_addresses_with_credentials_or_other_schemes_are_refused(
    clock: ManualClock, url: str
) -> None:
    result = await fetch(offline_fetcher(clock, limits=LIMITS), url)
    assert result.outcome is Outcome.REFUSED


def test_the_allow_list_reads_names_addresses_and_ranges() -> None:
    allowed = AllowList.parse(" blog.intranet , 10.0.0.0/8,127.0.0.1, [::1], fd00::/8 ,")
    assert allowed.names == frozenset({"blog.intranet"})
    assert allowed.allows_name("Blog.Intranet.")
    for address in ("10.1.2.3", "127.0.0.1", "::1", "fd00::5", "::ffff:10.0.0.1", "8.8.8.8"):
        assert allowed.permits(ipaddress.ip_address(address)), address
    for address in ("127.0.0.2", "192.168.0.1", "fe80::1"):
        assert not allowed.permits(ipaddress.ip_address(address)), address
    with pytest.raises(ValueError, match=r"not a host name.*http://x"):
        AllowList.parse("good.host, http://x")
    assert AllowList.parse("") == AllowList()


@given(st.ip_addresses(v=4))
def test_an_ipv4_address_and_its_ipv6_forms_are_judged_alike(
    address: ipaddress.IPv4Address,
) -> None:
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    sixtofour = ipaddress.IPv6Address((0x2002 << 112) | (int(address) << 80))
    nat64 = ipaddress.IPv6Address(f"64:ff9b::{address}")
    for form in (mapped, sixtofour, nat64):
        assert not is_public(form) or is_public(address)
    assert is_public(mapped) == is_public(address)


def test_the_allow_list_setting_is_read_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COHORT_FEEDS_ALLOWED_HOSTS", "blog.intranet, 10.0.0.0/8")
    assert Settings(_env_file=None).feeds_allowed_hosts == "blog.intranet, 10.0.0.0/8"  # type: ignore[call-arg]
    monkeypatch.setenv("COHORT_FEEDS_ALLOWED_HOSTS", "10.0.0.0/8, http://nope")
    with pytest.raises(ValidationError, match="http://nope"):
        Settings(_env_file=None)  # type: ignore[call-arg]
    monkeypatch.delenv("COHORT_FEEDS_ALLOWED_HOSTS")
    assert Settings(_env_file=None).feeds_allowed_hosts == ""  # type: ignore[call-arg]


async def test_the_bot_fetches_an_allowed_private_host(
    settings: Settings, db: Database, clock: ManualClock, feed_server: FeedServer
) -> None:
    feed_server.serve("/f", DOCUMENT)
    for allowed, outcome in (("", Outcome.REFUSED), ("127.0.0.1", Outcome.FETCHED)):
        core = Cohort(settings.model_copy(update={"feeds_allowed_hosts": allowed}), clock, db)
        assert (
            await fetch(core.digests.refreshing.fetcher, feed_server.url("/f"))
        ).outcome is outcome
