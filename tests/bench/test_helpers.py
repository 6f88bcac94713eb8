"""The helpers bench on a small community: it runs, its figures add up, and routing serves
as many blockers as networkx's maximum flow says capacity allows, plentiful or scarce."""

from __future__ import annotations

import re

from bench.helpers import Options, run

OFFERED = re.compile(
    r"offered at least one qualified helper: (\d+) of (\d+) blockers; best possible (\d+) "
)
CHECK = re.compile(
    r"check: \d+ qualified pairs, (\d+) blockers with a qualified helper; "
    r"maximum flow \(networkx\): (\d+) blockers servable"
)


def test_a_small_bench_run_reports_consistent_figures() -> None:
    lines = run(Options(members=400, seed=3, runs=1, verify=True))

    assert lines[0].startswith("400 members generated in ")
    text = "\n".join(lines)
    offered = [tuple(int(n) for n in m) for m in OFFERED.findall(text)]
    checks = [tuple(int(n) for n in m) for m in CHECK.findall(text)]
    assert len(offered) == len(checks) == 2, text  # the community, then scarce helpers
    for (served, blockers, best), (helpable, flow) in zip(offered, checks, strict=True):
        assert 0 < served <= best <= blockers
        assert best == helpable
        assert served == flow
    assert offered[1][0] < offered[0][0]  # a fifth of the helpers serve fewer blockers
    assert sum("routed in " in line for line in lines) == 2


def test_the_same_seed_gives_the_same_figures() -> None:
    def figures(lines: list[str]) -> list[str]:
        return [line for line in lines if "generated" not in line and "routed" not in line]

    first = run(Options(members=200, seed=5, runs=1))
    assert figures(run(Options(members=200, seed=5, runs=1))) == figures(first)
