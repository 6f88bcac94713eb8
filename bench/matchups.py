"""Matchmaking at scale: a pool of members with eight weeks of earlier rounds.

Prints the time the heuristic takes on the whole pool (pairs, trios, groups of four), the
repeats it makes, the score of the heuristic against the exact optimum on a 500-member
sample of the same pool, how long exact matching takes by pool size (which is how
`EXACT_LIMIT` was chosen), and, with the members in classes (start months, older classes
further along the roadmap), the pairs of one class each class preference makes, its time
(CPU) on the whole pool and against the exact matching on the sample.

    python -m bench.matchups [--members 10000] [--weeks 8] [--sample 500]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from bot.matchups.matching import EXACT_LIMIT
from bot.matchups.model import ClassMode, Grouping, Mode, Past, Person, pair_key
from bot.matchups.pairing import make_groups

ZONES = {  # a community spread over the world, heavier in Europe, the Americas and India
    "Europe/London": 8,
    "Europe/Berlin": 10,
    "Europe/Paris": 6,
    "Europe/Madrid": 4,
    "Europe/Warsaw": 3,
    "Europe/Kyiv": 2,
    "Europe/Istanbul": 2,
    "Africa/Lagos": 3,
    "Africa/Nairobi": 2,
    "Africa/Cairo": 2,
    "Asia/Dubai": 2,
    "Asia/Karachi": 2,
    "Asia/Kolkata": 10,
    "Asia/Kathmandu": 1,
    "Asia/Dhaka": 1,
    "Asia/Jakarta": 2,
    "Asia/Singapore": 2,
    "Asia/Shanghai": 3,
    "Asia/Tokyo": 2,
    "Asia/Seoul": 1,
    "Australia/Sydney": 2,
    "Australia/Adelaide": 1,
    "Pacific/Auckland": 1,
    "America/Sao_Paulo": 4,
    "America/Argentina/Buenos_Aires": 2,
    "America/Bogota": 2,
    "America/Mexico_City": 2,
    "America/New_York": 9,
    "America/Toronto": 3,
    "America/Chicago": 4,
    "America/Denver": 2,
    "America/Phoenix": 1,
    "America/Los_Angeles": 6,
    "America/St_Johns": 1,
    "Pacific/Honolulu": 1,
}
PHASES = {1: 40, 2: 25, 3: 15, 4: 12, 5: 8}
INTERESTS = (
    "nlp",
    "llm apps",
    "vision",
    "mlops",
    "rag",
    "agents",
    "data engineering",
    "reinforcement learning",
    "time series",
    "recommenders",
    "speech",
    "robotics",
)
WEEK = date(2026, 11, 30)


def pool(size: int, rng: random.Random) -> list[Person]:
    zones, zone_weights = list(ZONES), list(ZONES.values())
    phases, phase_weights = list(PHASES), list(PHASES.values())
    return [
        Person(
            id=i + 1,
            timezone=rng.choices(zones, zone_weights)[0],
            phase=rng.choices(phases, phase_weights)[0],
            interests=frozenset(rng.sample(INTERESTS, rng.randint(0, 3))),
        )
        for i in range(size)
    ]


def history(people: list[Person], weeks: int) -> Past:
    """Run the matcher on the pool for `weeks` earlier weeks, as the bot would have."""
    met: dict[tuple[int, int], int] = {}
    odd: frozenset[int] = frozenset()
    for back in range(weeks, 0, -1):
        week = WEEK - timedelta(weeks=back)
        aged = {pair: age + 1 for pair, age in met.items()}
        grouping = make_groups(
            people, 2, Mode.PEERS, Past(aged, odd), f"bench:{week.isoformat()}", week
        )
        met = aged
        for group in grouping.groups:
            for x, a in enumerate(group.members):
                for b in group.members[x + 1 :]:
                    met[pair_key(a, b)] = 1
        odd = frozenset(i for g in grouping.groups for i in g.odd)
    return Past({pair: age + 1 for pair, age in met.items()}, odd)


def timed(
    people: list[Person],
    size: int,
    past: Past,
    exact_limit: int,
    classes: ClassMode = ClassMode.WITHIN,
    clock: Callable[[], float] = time.perf_counter,
) -> tuple[Grouping, float]:
    started = clock()
    grouping = make_groups(
        people, size, Mode.PEERS, past, "bench:now", WEEK, exact_limit=exact_limit, classes=classes
    )
    return grouping, clock() - started


def in_classes(people: list[Person], rng: random.Random) -> list[Person]:
    """The pool in monthly classes over two years: members of an older class are further
    along, so classes and phases go together (four to nine months a phase)."""
    newest = WEEK.year * 12 + WEEK.month - 1
    return [replace(p, klass=newest - 4 * (p.phase - 1) - rng.randrange(6)) for p in people]


def same_class(grouping: Grouping, people: list[Person]) -> int:
    klass = {p.id: p.klass for p in people}
    return sum(klass[g.members[0]] == klass[g.members[1]] for g in grouping.groups)


def classes_figures(people: list[Person], sample: list[Person], past: Past) -> None:
    """Pairs of one class under each preference: heuristic on the pool, and on the sample
    against the exact matching."""
    print(f"in classes ({len({p.klass for p in people})} start months), pairs:")
    for classes in ClassMode:
        whole, cpu = timed(people, 2, past, EXACT_LIMIT, classes, time.process_time)
        fast, _ = timed(sample, 2, past, 0, classes)
        exact, _ = timed(sample, 2, past, len(sample), classes)
        print(
            f"  {classes.value}: {cpu:.2f} s CPU, {same_class(whole, people)} of "
            f"{len(whole.groups)} pairs in one class; {len(sample)}-member sample: heuristic "
            f"{same_class(fast, sample)}, exact {same_class(exact, sample)} of "
            f"{len(exact.groups)}, score {100 * fast.score / exact.score:.1f}% of the optimum"
        )


def could_avoid(grouping: Grouping, past: Past, ids: set[int]) -> int:
    """Repeated pairs where one of the two had someone in the pool they never met."""
    partners: dict[int, int] = {}
    for a, b in past.met:
        if a in ids and b in ids:
            partners[a] = partners.get(a, 0) + 1
            partners[b] = partners.get(b, 0) + 1
    avoidable = 0
    for group in grouping.groups:
        for x, a in enumerate(group.members):
            for b in group.members[x + 1 :]:
                if pair_key(a, b) in past.met and min(partners[a], partners[b]) < len(ids) - 1:
                    avoidable += 1
    return avoidable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--sample", type=int, default=500)
    options = parser.parse_args()
    rng = random.Random(49)
    people = pool(options.members, rng)
    started = time.perf_counter()
    past = history(people, options.weeks)
    print(
        f"{options.members} members, {len(past.met)} earlier pairs from {options.weeks} weeks "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )
    ids = {p.id for p in people}
    for size in (2, 3, 4):
        grouping, seconds = timed(people, size, past, EXACT_LIMIT)
        placed = sum(len(g.members) for g in grouping.groups)
        print(
            f"size {size}: {seconds:.2f} s for {len(grouping.groups)} groups, {placed} placed, "
            f"{grouping.repeats} repeats ({could_avoid(grouping, past, ids)} avoidable), "
            f"{grouping.repeats_avoided} members kept from a repeat"
        )
    sample = sorted(rng.sample(people, options.sample), key=lambda p: p.id)
    sample_ids = {p.id for p in sample}
    heuristic, fast = timed(sample, 2, past, exact_limit=0)
    exact, slow = timed(sample, 2, past, exact_limit=len(sample))
    print(
        f"{options.sample}-member sample, pairs: heuristic {heuristic.score} in {fast:.2f} s, "
        f"exact {exact.score} in {slow:.1f} s: {100 * heuristic.score / exact.score:.1f}% "
        f"of the optimum; repeats {heuristic.repeats} vs {exact.repeats} "
        f"({could_avoid(heuristic, past, sample_ids)} avoidable)"
    )
    classed = in_classes(people, rng)
    classes_figures(classed, [classed[p.id - 1] for p in sample], past)
    print("exact matching time by pool size:")
    for size in (40, 80, 120, 160, 200):
        _, seconds = timed(sample[:size], 2, past, exact_limit=size)
        print(f"  {size} members: {seconds:.2f} s")


if __name__ == "__main__":
    main()
