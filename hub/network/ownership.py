"""Effective (integrated) ownership along shareholding chains: pure functions, no I/O.

A holder's effective share of a target is the sum, over every chain of shareholdings from the
holder to the target, of the product of the ratios along it. With a cycle (A holds B, B holds
A) the chains are infinitely many, so the shares are computed as the fixed point of
`share(h) = sum(ratio(h -> x) * share(x))` with `share(target) = 1`, which converges because an
enterprise's holders hold at most 100% of it. The chains reported with each owner are its
simple chains (no enterprise twice), the ones a reader can follow.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

MAX_ITERATIONS = 1000
TOLERANCE = 1e-12
MAX_CHAINS = 20  # per owner, shortest first


@dataclass(frozen=True)
class Holding:
    """`holder` (a person's key or an enterprise's USCC) holds `ratio` of `held`."""

    holder: str
    holder_label: str  # Person | Enterprise
    holder_name: str
    held: str
    ratio: float


@dataclass(frozen=True)
class Owner:
    key: str
    label: str
    name: str
    share: float
    ultimate: bool  # holds without being held by anyone (persons always)
    chains: tuple[tuple[Holding, ...], ...]


def effective_owners(
    target: str, holdings: Iterable[Holding], threshold: float = 0.25
) -> list[Owner]:
    """Every holder whose effective share of `target` reaches `threshold`, largest first."""
    out: dict[str, list[Holding]] = defaultdict(list)  # holder -> its holdings
    held_by: dict[str, list[Holding]] = defaultdict(list)
    about: dict[str, tuple[str, str]] = {}
    for holding in holdings:
        out[holding.holder].append(holding)
        held_by[holding.held].append(holding)
        about[holding.holder] = (holding.holder_label, holding.holder_name)
    share = dict.fromkeys(out, 0.0)
    for _ in range(MAX_ITERATIONS):
        changed = 0.0
        for holder, held in out.items():
            value = sum(
                h.ratio * (1.0 if h.held == target else share.get(h.held, 0.0)) for h in held
            )
            changed = max(changed, abs(value - share[holder]))
            share[holder] = value
        if changed < TOLERANCE:
            break
    owners = [
        Owner(
            key=holder,
            label=about[holder][0],
            name=about[holder][1],
            share=round(value, 10),
            ultimate=not held_by.get(holder),
            chains=_chains(holder, target, out),
        )
        for holder, value in share.items()
        if holder != target and value + TOLERANCE >= threshold
    ]
    return sorted(owners, key=lambda o: (-o.share, o.key))


def _chains(
    holder: str, target: str, out: dict[str, list[Holding]]
) -> tuple[tuple[Holding, ...], ...]:
    """The simple chains from `holder` to `target`, shortest first, at most MAX_CHAINS."""
    found: list[tuple[Holding, ...]] = []
    stack: list[tuple[str, tuple[Holding, ...], frozenset[str]]] = [
        (holder, (), frozenset({holder}))
    ]
    budget = 10_000  # expansions: a dense web of holdings must not stall the request
    while stack and budget > 0:
        budget -= 1
        node, chain, seen = stack.pop()
        for holding in sorted(out.get(node, ()), key=lambda h: h.held, reverse=True):
            if holding.held == target:
                found.append((*chain, holding))
            elif holding.held not in seen:
                stack.append((holding.held, (*chain, holding), seen | {holding.held}))
    found.sort(key=lambda c: (len(c), [h.held for h in c]))
    return tuple(found[:MAX_CHAINS])
