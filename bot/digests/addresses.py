"""Which addresses the digests may connect to: public ones, plus the private hosts an operator
allows (`COHORT_FEEDS_ALLOWED_HOSTS`), checked where the connection is made.

The check lives in the connector (:class:`GuardedConnector`), on every address aiohttp is
about to connect to: IP literals (after yarl has normalised full-width digits, ideographic
full stops, circled digits and the like) and every address a name resolves to, on every
redirect hop. Checking the URL text instead is not enough: the HTTP library normalises the
host afterwards and skips the resolver for anything that becomes an IP literal.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import aiohttp

if TYPE_CHECKING:
    from aiohttp.abc import ResolveResult
    from aiohttp.tracing import Trace

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_V4_COMPATIBLE = ipaddress.IPv6Network("::/96")


class AddressRefused(Exception):
    """The host is one Cohort does not fetch. Not an OSError: aiohttp would wrap that into a
    connection error, and the message must not depend on what listens at the address."""


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (6to4, NAT64, IPv4-compatible)."""
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or address in _V4_COMPATIBLE:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: Address) -> bool:
    """Whether an address is on the public internet, looking through IPv6 forms that carry an
    IPv4 address (``::ffff:127.0.0.1``, 6to4 ``2002:7f00:1::``, NAT64 ``64:ff9b::7f00:1``)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # the IPv4 address itself, on a dual-stack socket
            return is_public(address.ipv4_mapped)
        if address.scope_id is not None or address.teredo is not None:
            return False
        embedded = _embedded_v4(address)
        if embedded is not None and not is_public(embedded):
            return False
    return address.is_global and not address.is_multicast and not address.is_reserved


@dataclass(frozen=True, slots=True)
class AllowList:
    """Private hosts an operator allows: host names (exact, case-insensitive) and networks."""

    names: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, text: str) -> AllowList:
        """From a comma-separated list of host names, IP addresses and CIDR ranges; a
        ValueError names the entries that are none of these."""
        names: set[str] = set()
        networks: list[Network] = []
        bad: list[str] = []
        for entry in (part.strip() for part in text.split(",")):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            name = entry.rstrip(".").lower()
            if name and all(label.isalnum() or "-" in label for label in name.split(".")):
                names.add(name)
            else:
                bad.append(entry)
        if bad:
            raise ValueError(f"not a host name, IP address or CIDR range: {', '.join(bad)}")
        return cls(frozenset(names), tuple(networks))

    def allows_name(self, host: str) -> bool:
        return host.rstrip(".").lower() in self.names

    def permits(self, address: Address) -> bool:
        """A public address, or one in an allowed network."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return is_public(address) or any(
            address.version == net.version and address in net for net in self.networks
        )


REFUSED = "it is a private or local address, and Cohort fetches only public ones"


@lru_cache(maxsize=4096)
def _permitted(allowed: AllowList, address: str) -> bool:
    """`allowed.permits` for an address as the resolver gives it, remembered: parsing it and
    checking the address ranges cost more than the rest of a connection's Python work, and a
    round connects to the same few addresses again and again. The answer depends on nothing
    else (the allow-list is frozen), so remembering it changes no decision."""
    return allowed.permits(ipaddress.ip_address(address))


class GuardedConnector(aiohttp.TCPConnector):
    """A TCP connector that connects only to addresses the allow-list permits: public ones,
    those of allowed networks, and any address of an allowed host name."""

    def __init__(self, allowed: AllowList, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._allowed = allowed

    async def _resolve_host(
        self, host: str, port: int, traces: Sequence[Trace] | None = None
    ) -> list[ResolveResult]:
        found = await super()._resolve_host(host, port, traces=traces)
        if self._allowed.allows_name(host):
            return found
        kept = [r for r in found if _permitted(self._allowed, r["host"])]
        if not kept:
            raise AddressRefused(REFUSED)
        return kept
