"""Routing a week's blockers to helpers in a generated 10,000-member community.

Members are spread over the world and over the built-in pack's phases, with the milestones
they finished dated over the past year; about a fifth opt in as helpers (weekly limits of one
to three, some limited to phases or topics, a few paused or already asked this week), and
about 15% of members name a blocker this week, linked to the next milestone of their phase
or to a topic. Prints the routing time (median of `--runs` rounds) and the share of blockers
offered at least one qualified helper against the best possible, which is how many had any
qualified helper at all, and the time one member's `helper find` spends routing their blocker
alone against every helper; then the same for a scarce community (a fifth of the helpers, limit
one), where capacity rather than qualification decides. `--verify` counts the qualified pairs
again by its own reading of the rules and checks the served count against networkx's
maximum flow over them (slow: seconds to minutes). Asserts nothing.

    python -m bench.helpers [--members 10000] [--seed 19] [--runs 5] [--verify]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from dataclasses import dataclass, replace
from datetime import date, timedelta
from datetime import time as clock_time

from bot.content.loader import default_content_dir, load_pack
from bot.helpers.model import Blocker, Finished, Helper, Routing, Rules, WorkingHours
from bot.helpers.routing import route

ON = date(2026, 12, 2)
ZONES = {  # heavier in Europe, the Americas and India, as the matchups bench
    "Europe/London": 8,
    "Europe/Berlin": 10,
    "Europe/Madrid": 4,
    "Africa/Lagos": 3,
    "Africa/Nairobi": 2,
    "Asia/Dubai": 2,
    "Asia/Kolkata": 10,
    "Asia/Singapore": 2,
    "Asia/Tokyo": 2,
    "Australia/Sydney": 2,
    "America/Sao_Paulo": 4,
    "America/New_York": 9,
    "America/Chicago": 4,
    "America/Los_Angeles": 6,
}
PHASE_WEIGHTS = (40, 25, 15, 12, 8)
WINDOWS = ((9, 17), (9, 21), (18, 23), (7, 12), (20, 1))


@dataclass(frozen=True, slots=True)
class Options:
    members: int = 10_000
    seed: int = 19
    runs: int = 5
    helper_share: float = 0.2
    blocker_share: float = 0.15
    verify: bool = False


@dataclass(frozen=True, slots=True)
class Community:
    blockers: list[Blocker]
    helpers: list[Helper]


def generate(
    members: int, rng: random.Random, helper_share: float, blocker_share: float
) -> Community:
    """A community of `members`, deterministic for the generator's state."""
    pack = load_pack(default_content_dir())
    phases = [[m.id for m in phase.milestones] for phase in pack.phases]
    topics = [t.id for t in pack.topics]
    zones, zone_weights = list(ZONES), list(ZONES.values())
    weights = list(PHASE_WEIGHTS[: len(phases)]) + [1] * max(0, len(phases) - len(PHASE_WEIGHTS))
    helpers: list[Helper] = []
    blockers: list[Blocker] = []
    for member in range(1, members + 1):
        phase = rng.choices(range(len(phases)), weights)[0]
        done_here = rng.randint(0, len(phases[phase]) - 1)
        ids = [m for p in phases[:phase] for m in p] + phases[phase][:done_here]
        days = sorted((rng.randint(0, 365) for _ in ids), reverse=True)  # older first
        finished = tuple(
            Finished(m, ON - timedelta(days=d)) for m, d in zip(ids, days, strict=True)
        )
        start, end = rng.choice(WINDOWS)
        hours = None
        if rng.random() < 0.8:
            zone = rng.choices(zones, zone_weights)[0]
            hours = WorkingHours(zone, clock_time(start), clock_time(end))
        if rng.random() < helper_share:
            capacity = rng.choices((1, 2, 3), (5, 3, 2))[0]
            limits = rng.random()
            asked = tuple(
                (rng.randint(1, members), ON - timedelta(days=rng.randint(0, 60)))
                for _ in range(rng.randint(0, 3))
            )
            helpers.append(
                Helper(
                    member,
                    finished,
                    topics=frozenset(rng.sample(topics, 3)) if limits < 0.1 else frozenset(),
                    phases=frozenset({phase + 1, max(1, phase)})
                    if 0.1 <= limits < 0.25
                    else frozenset(),
                    capacity=capacity,
                    received=rng.choices((0, 1), (85, 15))[0],
                    active=rng.random() > 0.05,
                    hours=hours,
                    asked_by=asked,
                    blocks=frozenset({rng.randint(1, members)})
                    if rng.random() < 0.01
                    else frozenset(),
                )
            )
        if rng.random() < blocker_share:
            pending = phases[phase][done_here:]
            kind = rng.random()
            milestone = (pending[0],) if kind < 0.9 else ()
            topic = tuple(rng.sample(topics, 1)) if kind >= 0.7 else ()
            text = f"stuck on {milestone[0] if milestone else topic[0]}"
            blockers.append(Blocker(member, member, text, milestone, topic, phase + 1, hours))
    return Community(blockers, helpers)


def timed(community: Community, runs: int) -> tuple[Routing, float, float]:
    """The routing, and the median wall-clock and CPU seconds of `runs` rounds (CPU time is
    what the round costs on a machine busy with other work)."""
    walls, cpus = [], []
    routing = None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        routing = route(community.blockers, community.helpers, ON, Rules())
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    assert routing is not None
    return routing, statistics.median(walls), statistics.median(cpus)


def one_at_a_time(community: Community, runs: int) -> float:
    """The median CPU seconds of routing one blocker against every helper, as `helper find`
    does for one member (the service routes each blocker when its member asks)."""
    cpus = []
    for blocker in community.blockers[: max(1, runs)]:
        cpu = time.process_time()
        route([blocker], community.helpers, ON, Rules())
        cpus.append(time.process_time() - cpu)
    return statistics.median(cpus)


def qualified_pairs(community: Community, rules: Rules) -> list[tuple[int, int]]:
    """Every (blocker id, helper member) pair that qualifies, by the rules of
    bot.helpers.routing written again here, so `--verify` does not trust the code it checks."""
    oldest = ON - timedelta(days=rules.recent_days)
    by_milestone: dict[str, set[int]] = {}
    by_topic: dict[str, set[int]] = {}
    helpers = {h.member: h for h in community.helpers if h.active and h.remaining > 0}
    for helper in helpers.values():
        for done in helper.finished:
            if oldest <= done.on <= ON:
                by_milestone.setdefault(done.milestone, set()).add(helper.member)
        for topic in helper.topics:
            by_topic.setdefault(topic, set()).add(helper.member)
    pairs = []
    for blocker in community.blockers:
        found: set[int] = set()
        for milestone in blocker.milestones:
            found |= by_milestone.get(milestone, set())
        for topic in blocker.topics:
            found |= by_topic.get(topic, set())
        for member in sorted(found):
            helper = helpers[member]
            if member == blocker.member or blocker.member in helper.blocks:
                continue
            if helper.phases and blocker.phase not in helper.phases:
                continue
            if helper.topics and not helper.topics & set(blocker.topics):
                continue
            pairs.append((blocker.id, member))
    return pairs


def maximum_by_flow(community: Community) -> tuple[int, int, int]:
    """The most blockers any routing could serve (networkx's maximum flow over the qualified
    pairs), how many blockers have any qualified helper, and how many pairs there are."""
    import networkx as nx  # only with --verify

    pairs = qualified_pairs(community, Rules())
    left = {h.member: h.remaining for h in community.helpers}
    graph = nx.DiGraph()
    graph.add_edge("source", "sink", capacity=0)
    for blocker, member in pairs:
        graph.add_edge("source", ("b", blocker), capacity=1)
        graph.add_edge(("b", blocker), ("h", member), capacity=1)
        graph.add_edge(("h", member), "sink", capacity=left[member])
    most = int(nx.maximum_flow_value(graph, "source", "sink"))
    return most, len({blocker for blocker, _ in pairs}), len(pairs)


def report(name: str, community: Community, options: Options) -> list[str]:
    routing, wall, cpu = timed(community, options.runs)
    offered = len(routing.offers)
    qualified = routing.qualified
    helpers = sum(1 for h in community.helpers if h.active and h.remaining > 0)
    left = sum(h.remaining for h in community.helpers if h.active)
    sizes = [len(o.helpers) for o in routing.offers]
    firsts = [o.helpers[0].reason for o in routing.offers]
    lines = [
        f"{name}: {len(community.blockers)} blockers, {len(community.helpers)} helpers "
        f"({helpers} active with capacity, {left} "
        f"requests left this week)",
        f"  routed in {wall * 1000:.0f} ms ({cpu * 1000:.0f} ms CPU; median of {options.runs})",
        f"  one blocker routed alone, as `helper find` does: "
        f"{one_at_a_time(community, options.runs) * 1000:.0f} ms CPU (median)",
        f"  offered at least one qualified helper: {offered} of {len(community.blockers)} "
        f"blockers; best possible {qualified} (had any qualified helper): "
        f"{100 * offered / qualified if qualified else 100:.1f}% of the best possible",
        f"  helpers per offer {statistics.mean(sizes) if sizes else 0:.2f}; first choice with "
        f"overlapping hours {sum(r.overlap_hours > 0 for r in firsts)}, not asked lately "
        f"{sum(not r.asked_lately for r in firsts)}; busiest helper "
        f"{max((n for _, n in routing.load), default=0)} offers",
    ]
    if options.verify:
        most, helpable, pairs = maximum_by_flow(community)
        lines.append(
            f"  check: {pairs} qualified pairs, {helpable} blockers with a qualified helper; "
            f"maximum flow (networkx): {most} blockers servable with this capacity"
        )
    return lines


def run(options: Options) -> list[str]:
    started = time.perf_counter()
    community = generate(
        options.members, random.Random(options.seed), options.helper_share, options.blocker_share
    )
    lines = [f"{options.members} members generated in {time.perf_counter() - started:.1f} s"]
    lines += report("community", community, options)
    scarce = generate(
        options.members,
        random.Random(options.seed),
        options.helper_share / 5,
        options.blocker_share,
    )
    scarce = Community(scarce.blockers, [replace(h, capacity=1) for h in scarce.helpers])
    lines += report("scarce helpers (a fifth, limit one)", scarce, options)
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.helpers", description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=19, help="makes a run repeatable")
    parser.add_argument("--runs", type=int, default=5, help="rounds timed; the median is shown")
    parser.add_argument("--verify", action="store_true", help="check against networkx max flow")
    args = parser.parse_args(argv)
    for line in run(Options(args.members, args.seed, args.runs, verify=args.verify)):
        print(line)


if __name__ == "__main__":
    main()
