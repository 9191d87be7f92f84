"""Keeps stored ratings and list coverage up to date: after a batch, or for everything.

After an accepted batch only the enterprises it can affect are recomputed: those it touched,
the enterprises of the persons it touched, and everything within reach of them (the network
risk's hops, or the joint rules' propagation depth if deeper), found by traversal a level at
a time. `recompute_all` does every enterprise and every listed person, chunk by chunk.

Each chunk costs a fixed number of queries whatever its size: two to gather rating facts (the
network search takes one per hop), one for its list entries, one per propagation level, and
one write transaction holding the new ratings (stored only when they differ from the current
one), the coverage rows, the withdrawal of coverage that no longer follows, and each
enterprise's network as searched (`hub.credit.rating_store`). A rejected write leaves the
chunk as it was.

A batch that changes no tie and no listing (`Reach.OWN`) leaves every enterprise's network as
it was: its re-rating takes the network stored by the last search as of the same day, when
there is one, instead of searching again. That network is current because every change that
could move it re-rates, and so searches again and stores, every enterprise it can reach: a
tie or a listing by a batch of `Reach.NETWORK` (within `reach` hops), and the passing of a
day by the day's first search itself (a network stored as of another day is never taken). A
re-rating that runs between such a batch and its own re-rating takes the network as it was
before the batch; the batch's re-rating, which always follows, rates those enterprises again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncDriver

from connectors.records.subjects import Reach, Subjects
from graph_schema.dates import utc_today
from graph_schema.sessions import open_session
from hub.credit import cypher
from hub.credit.coverage import (
    ControlLink,
    ListedEntry,
    Responsible,
    covered_responsible,
    incentive_coverage,
    punishment_coverage,
    punishment_rule,
)
from hub.credit.engine import rate
from hub.credit.facts import NetworkLink, RatingFacts
from hub.credit.gather import gather_facts, network_search_key
from hub.credit.joint_rules import JointRules, load_joint_rules
from hub.credit.model import RatingModel, load_model
from hub.credit.rating_store import (
    coverage_row,
    network_links_from_json,
    network_row,
    rating_row,
    write_chunk,
)
from hub.credit.reads import subjects_of_facts
from hub.mutex import held
from hub.repository import read_rows
from hub.settings import Settings

RERATING_MUTEX = "rerating"
"""The mutex every re-rating holds, in whichever process it runs (`hub.mutex`)."""

Progress = Callable[[int, int], None]
"""Called after each chunk with (subjects done, subjects in all)."""


@dataclass
class RecomputeReport:
    """What one recomputation did."""

    enterprises: int = 0
    persons: int = 0
    ratings_written: int = 0
    coverage_written: int = 0
    withdrawn: int = 0
    changes: int = 0
    """Grade, score or list-status changes appended to the change feed."""
    networks_reused: int = 0
    """Enterprises rated with the network stored by an earlier search of the day."""
    seconds: float = 0.0

    def add(self, other: RecomputeReport) -> None:
        self.enterprises += other.enterprises
        self.persons += other.persons
        self.ratings_written += other.ratings_written
        self.coverage_written += other.coverage_written
        self.withdrawn += other.withdrawn
        self.changes += other.changes
        self.networks_reused += other.networks_reused


@dataclass
class CreditRecomputer:
    """Recomputes ratings and coverage in one database under one model and rule set."""

    driver: AsyncDriver
    database: str
    model: RatingModel
    rules: JointRules
    chunk_size: int = 1000
    concurrency: int = 2
    clock: Callable[[], dt.date] = utc_today
    on_report: Callable[[RecomputeReport], None] | None = None
    """Told of every recomputation's report (the hub's metrics)."""
    last_report: RecomputeReport | None = field(default=None, init=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    @property
    def reach(self) -> int:
        """How many enterprise hops a change can travel: network risk or propagation."""
        depths = [rule.propagation_depth for rule in self.rules.punishment.values()]
        return max(self.model.network.max_hops, *depths)

    async def rerate_batch(self, subjects: Subjects, reach: Reach) -> RecomputeReport:
        """A batch's RERATE effect (`hub.effects`): recompute what a batch naming `subjects`
        can affect, as of today. A failure raises: the effect stays owed and is done again."""
        # a batch that changes ties or listings reaches other enterprises (its type says so);
        # one that changes neither leaves every network as the day's last search found it
        hops = self.reach if reach is Reach.NETWORK else 0
        return await self.recompute_affected(
            subjects.usccs,
            subjects.person_keys,
            self.clock(),
            subjects.fact_ids,
            hops,
            reuse_networks=reach is Reach.OWN,
        )

    async def recompute_affected(
        self,
        usccs: Iterable[str],
        person_keys: Iterable[str],
        as_of: dt.date,
        fact_ids: Iterable[str] = (),
        reach: int | None = None,
        *,
        reuse_networks: bool = False,
    ) -> RecomputeReport:
        enterprises, persons = await self.affected(usccs, person_keys, fact_ids, reach)
        return await self.recompute(enterprises, persons, as_of, reuse_networks=reuse_networks)

    async def affected(
        self,
        usccs: Iterable[str],
        person_keys: Iterable[str],
        fact_ids: Iterable[str] = (),
        reach: int | None = None,
    ) -> tuple[list[str], list[str]]:
        """The enterprises and listed persons whose rating or coverage a change can alter.

        `reach` enterprise hops are followed (default `self.reach`); 0 keeps to the subjects
        themselves, right for facts that only rate their own enterprise.
        """
        keys = set(person_keys)
        seen = set(usccs)
        named, named_keys = await subjects_of_facts(self.driver, self.database, sorted(fact_ids))
        seen |= named
        keys |= named_keys
        if keys:
            found = await self._single(cypher.PERSON_ENTERPRISES, {"keys": sorted(keys)}, "usccs")
            seen |= set(found)
        frontier = set(seen)
        for _ in range(self.reach if reach is None else reach):
            if not frontier:
                break
            found = await self._single(cypher.NEIGHBOURS, {"usccs": sorted(frontier)}, "usccs")
            frontier = set(found) - seen
            seen |= frontier
        listed = await self._single(cypher.LISTED_PERSONS, {"usccs": sorted(seen)}, "keys")
        return sorted(seen), sorted(set(keys) | set(listed))

    async def recompute_all(
        self, as_of: dt.date, progress: Progress | None = None
    ) -> RecomputeReport:
        """Every enterprise's rating and incentives, and the coverage of every entry."""
        usccs = [row["uscc"] for row in await self._read(cypher.ALL_USCCS, {})]
        keys = [row["key"] for row in await self._read(cypher.ALL_LISTED_PERSONS, {})]
        return await self.recompute(usccs, keys, as_of, progress)

    async def recompute(
        self,
        usccs: Sequence[str],
        person_keys: Sequence[str],
        as_of: dt.date,
        progress: Progress | None = None,
        *,
        reuse_networks: bool = False,
    ) -> RecomputeReport:
        """Rate `usccs` and derive the coverage of their entries and of `person_keys`' entries.

        With `reuse_networks`, an enterprise whose network was stored by a search as of
        `as_of` is rated with it, not searched again: only right when nothing changed a tie or
        a listing since that search without re-rating what it reaches (see the module doc).
        """
        started = time.perf_counter()
        report = RecomputeReport()
        total = len(usccs) + len(person_keys)
        # one recomputation at a time in this process, so a slower one cannot overwrite a
        # newer one's results with older reads
        chunks: list[tuple[list[str], list[str]]] = [
            (list(usccs[start : start + self.chunk_size]), [])
            for start in range(0, len(usccs), self.chunk_size)
        ] + [
            ([], list(person_keys[start : start + self.chunk_size]))
            for start in range(0, len(person_keys), self.chunk_size)
        ]
        # chunks in flight side by side: one is read or written by Neo4j while Python rates
        # another, so both cores work; each chunk is still its own transaction
        gate = asyncio.Semaphore(self.concurrency)
        done = 0

        async def one(enterprises: list[str], persons: list[str]) -> None:
            nonlocal done
            async with gate:
                report.add(await self._chunk(enterprises, persons, as_of, reuse_networks))
            done += len(enterprises) + len(persons)
            if progress is not None:
                progress(done, total)

        # and one at a time across hub processes (a drainer, the schedule, `hub rate`): each
        # reads facts then writes, so interleaved the older reading could be stored last
        async with self._lock, held(self.driver, self.database, RERATING_MUTEX):
            await asyncio.gather(*(one(enterprises, persons) for enterprises, persons in chunks))
        report.seconds = time.perf_counter() - started
        self.last_report = report
        if self.on_report is not None:
            self.on_report(report)
        return report

    async def _chunk(
        self, usccs: list[str], person_keys: list[str], as_of: dt.date, reuse_networks: bool
    ) -> RecomputeReport:
        model = self.model
        search = network_search_key(model.network)
        stored: dict[str, list[NetworkLink]] = {}  # the networks taken: not searched, nor stored

        async def stored_networks() -> dict[str, list[NetworkLink]]:
            stored.update(await self._networks(usccs, as_of, search))
            return stored

        async def gathered() -> dict[str, RatingFacts]:
            if not usccs:
                return {}
            taken = stored_networks if reuse_networks else None
            return await gather_facts(self.driver, self.database, usccs, as_of, model, taken)

        # independent reads: the server runs them side by side
        facts, entries = await asyncio.gather(gathered(), self._entries(usccs, person_keys, as_of))
        ratings = [rate(self.model, facts[uscc]) for uscc in sorted(facts)]
        incentives = {uscc: incentive_coverage(self.rules, f) for uscc, f in facts.items()}
        derive = [e for e, covered in entries if _in_force(e, as_of) or not covered]
        ended = [e for e, covered in entries if not (_in_force(e, as_of) or not covered)]
        controls = await self._controls(derive, as_of)
        punishment = {e.id: punishment_coverage(self.rules, e, controls) for e in derive}
        coverage = [c for rows in punishment.values() for c in rows]
        coverage += [c for rows in incentives.values() for c in rows]
        params = {
            "as_of": as_of,
            "computed_at": dt.datetime.now(dt.UTC),
            "ratings": [rating_row(rating) for rating in ratings],
            "coverage": [coverage_row(c) for c in coverage],
            "withdraw_punishment": [
                {"entry": e.id, "kept": [c.id for c in punishment[e.id]]}
                for e in derive
                if _in_force(e, as_of)
            ],
            "withdraw_incentives": [
                {"uscc": uscc, "kept": [c.id for c in rows]} for uscc, rows in incentives.items()
            ],
            "ended": [{"entry": e.id, "until": e.ends_on} for e in ended],
            # whose list status may have moved: the rated, and every enterprise covered now
            "watched": sorted(
                set(usccs) | {c.subject_key for c in coverage if c.subject_type == "ENTERPRISE"}
            ),
            # searched now: stored for the day's next re-rating that may take it
            "networks": [
                network_row(uscc, search, facts[uscc].network)
                for uscc in sorted(facts)
                if uscc not in stored
            ],
        }
        async with open_session(self.driver, self.database) as session:
            counts = await session.execute_write(write_chunk, params)
        return RecomputeReport(
            enterprises=len(usccs),
            persons=len(person_keys),
            ratings_written=counts["ratings"],
            coverage_written=counts["coverage"],
            withdrawn=counts["withdrawn"],
            changes=counts["changes"],
            networks_reused=sum(1 for uscc in facts if uscc in stored),
        )

    async def _networks(
        self, usccs: list[str], as_of: dt.date, search: str
    ) -> dict[str, list[NetworkLink]]:
        """The networks of `usccs` stored by a search as of `as_of` (`search` its key)."""
        rows = await self._read(
            cypher.STORED_NETWORKS, {"usccs": usccs, "as_of": as_of, "search": search}
        )
        return {row["uscc"]: network_links_from_json(row["links"]) for row in rows}

    async def _entries(
        self, usccs: list[str], keys: list[str], as_of: dt.date
    ) -> list[tuple[ListedEntry, bool]]:
        rows = await self._read(
            cypher.LISTED_ENTRIES, {"usccs": usccs, "keys": keys, "as_of": as_of}
        )
        found = []
        for row in rows:
            responsible = _responsible(row["responsible"])
            for listed in row["entries"]:
                entry = _listed_entry(row, listed["entry"], responsible)
                found.append((entry, bool(listed["covered"])))
        return found

    async def _controls(
        self, entries: Sequence[ListedEntry], as_of: dt.date
    ) -> dict[str, tuple[ControlLink, ...]]:
        """What the subjects the entries cover represent or control, a level at a time."""
        controls: dict[str, tuple[ControlLink, ...]] = {}
        frontier: dict[str, str] = {}  # key -> PERSON | ENTERPRISE, for the next level
        depth_of: dict[str, int] = {}  # the deepest reach any entry asks of a subject
        for entry in entries:
            rule = punishment_rule(self.rules, entry.list)
            if rule is None or rule.propagation_depth == 0:
                continue
            starts: list[tuple[str, str]] = (
                [(entry.subject_type, entry.key)] if entry.subject_type == "PERSON" else []
            )
            starts += [(s.subject_type, s.key) for s in covered_responsible(self.rules, entry)]
            for subject_type, key in starts:
                frontier[key] = subject_type
                depth_of[key] = max(depth_of.get(key, 0), rule.propagation_depth)
        level = 0
        while frontier:
            level += 1
            found = await self._read(
                cypher.CONTROLS,
                {
                    "keys": sorted(k for k, t in frontier.items() if t == "PERSON"),
                    "usccs": sorted(k for k, t in frontier.items() if t == "ENTERPRISE"),
                    "as_of": as_of,
                    "control_ratio": self.rules.control_ratio,
                },
            )
            links: dict[str, list[ControlLink]] = defaultdict(list)
            for row in found:
                links[row["key"]].append(
                    ControlLink(
                        uscc=row["uscc"],
                        name=row["name"] or "",
                        zone=row["zone"],
                        relationship=row["relationship"],
                        ratio=row["ratio"],
                    )
                )
            onward: dict[str, str] = {}
            for key in frontier:
                controls[key] = tuple(links.get(key, ()))
                if depth_of[key] > level:
                    for link in controls[key]:
                        if link.uscc not in controls:
                            onward[link.uscc] = "ENTERPRISE"
                            depth_of[link.uscc] = max(depth_of.get(link.uscc, 0), depth_of[key])
            frontier = onward
        return controls

    async def _read(self, query: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        return await read_rows(self.driver, self.database, query, params)

    async def _single(self, query: str, params: Mapping[str, Any], column: str) -> list[str]:
        rows = await self._read(query, params)
        return list(rows[0][column]) if rows else []


def build_recomputer(driver: AsyncDriver, settings: Settings) -> CreditRecomputer:
    """The recomputer of the hub's database, with the packaged model and rules (validated)."""
    return CreditRecomputer(driver, settings.neo4j_database, load_model(), load_joint_rules())


def _in_force(entry: ListedEntry, as_of: dt.date) -> bool:
    """Not yet removed or expired at `as_of` (a future listing is in force too: it is coming)."""
    return entry.ends_on is None or entry.ends_on > as_of


def _responsible(rows: list[dict[str, Any]]) -> tuple[Responsible, ...]:
    return tuple(
        Responsible(
            subject_type=r["subjectType"],
            key=r["key"],
            name=r["name"] or "",
            relationship=r["relationship"],
            role=r.get("role"),
            ratio=r.get("ratio"),
        )
        for r in sorted(rows, key=lambda r: (r["relationship"], r["key"]))
    )


def _listed_entry(
    row: dict[str, Any], entry: dict[str, Any], responsible: tuple[Responsible, ...]
) -> ListedEntry:
    return ListedEntry(
        id=entry["id"],
        list=entry["list"],
        department=entry["department"],
        listed_on=entry["listedOn"],
        expires_on=entry.get("expiresOn"),
        removed_on=entry.get("removedOn"),
        subject_type=row["subjectType"],
        key=row["key"],
        name=row["name"] or "",
        zone=row["zone"],
        responsible=responsible,
    )
