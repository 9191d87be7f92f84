"""Per-request DataLoaders: every nested field is read for all parents in one query."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from graphql.pyutils import Path
from strawberry.dataloader import DataLoader

from hub.repository import RELATED_QUERIES, EnterpriseReader, Row, VisibilityFilter
from hub.settings import REQUEST_BATCH_READS


def _related_loader(reader: EnterpriseReader, relation: str) -> DataLoader[str, list[Row]]:
    async def load(usccs: list[str]) -> list[list[Row]]:
        grouped = await reader.related(relation, usccs)
        return [grouped.get(uscc, []) for uscc in usccs]

    return DataLoader(load_fn=load)


_Value = TypeVar("_Value")

BatchRead = Callable[[list[str]], Awaitable[Mapping[str, _Value]]]
"""Reads something of many enterprises (USCCs) in one query: by USCC, those it found."""


ConsentLookup = Callable[[list[str]], Awaitable[dict[str, dict[str, str]]]]
"""For enterprises (USCCs): scope -> id of the active consent to the caller covering it."""


def _consent_loader(lookup: ConsentLookup | None) -> DataLoader[str, dict[str, str]]:
    async def load(usccs: list[str]) -> list[dict[str, str]]:
        covered = await lookup(usccs) if lookup is not None else {}
        return [covered.get(uscc, {}) for uscc in usccs]

    return DataLoader(load_fn=load)


def _enterprise_loader(
    reader: EnterpriseReader, visibility: VisibilityFilter
) -> DataLoader[str, Row | None]:
    async def load(usccs: list[str]) -> Sequence[Row | None]:
        found = await reader.enterprises(usccs, visibility)
        return [found.get(uscc) for uscc in usccs]

    return DataLoader(load_fn=load)


@dataclass
class Loaders:
    """The request's loaders. Every enterprise goes through the caller's visibility filter, so
    an Enterprise object exists only for an enterprise the caller may see, and the relation
    loaders, keyed by such enterprises, need no filter of their own."""

    reader: EnterpriseReader
    visibility: VisibilityFilter
    consent_lookup: ConsentLookup | None = None
    """The caller's consents, for a consent-limited caller (a bank, an insurer); else None."""
    enterprise: DataLoader[str, Row | None] = field(init=False)
    """Reads through the visibility filter; loading an enterprise is not reading it for the audit
    trail (a resolver may load it only to check it is visible, then answer null): whoever
    puts an enterprise's data into the answer says so with `touch`."""
    touched: set[str] = field(default_factory=set)
    """Enterprises read outside any root field (the change feed adds them here directly)."""
    touched_under: dict[str, set[str]] = field(default_factory=dict)
    """The enterprises whose data the answer carries, by the root field (response key) they
    were answered under."""
    persons_under: dict[str, set[str]] = field(default_factory=dict)
    """The person keys whose profile the answer carries, by root field (`touch_persons`)."""
    related: dict[str, DataLoader[str, list[Row]]] = field(init=False)
    consents: DataLoader[str, dict[str, str]] = field(init=False)
    batches: dict[Hashable, DataLoader[str, Any]] = field(default_factory=dict)
    """The loaders `batched` made, by their key."""
    batch_reads: asyncio.Semaphore = field(
        default_factory=lambda: asyncio.Semaphore(REQUEST_BATCH_READS)
    )
    """How many of those loaders' reads may run at once (`REQUEST_BATCH_READS`)."""

    def __post_init__(self) -> None:
        self.enterprise = _enterprise_loader(self.reader, self.visibility)
        self.consents = _consent_loader(self.consent_lookup)
        self.related = {name: _related_loader(self.reader, name) for name in RELATED_QUERIES}

    async def consent_for(self, uscc: str, scope: str) -> str | None:
        """The id of the enterprise's active consent to the caller covering `scope`, or None
        (always None without a consent lookup). One query for all enterprises of a request."""
        return (await self.consents.load(uscc)).get(scope)

    def batched(
        self, key: Hashable, read: BatchRead[_Value], missing: Callable[[], _Value]
    ) -> DataLoader[str, _Value]:
        """The request's loader for `key`, which must say everything `read` reads (a
        connection, its filter, where its page starts, its size): the enterprises of a page
        asking the same `key` are read by one call of `read` for all of them, not a query
        each (which would take a connection of the pool each); `missing()` for one it did not
        find. Made on the first ask; `read` is the first asker's. At most
        `REQUEST_BATCH_READS` such reads of a request run at once (many aliased connections
        would otherwise hold as many pooled connections)."""
        loader = self.batches.get(key)
        if loader is None:

            async def load(usccs: list[str]) -> list[_Value]:
                async with self.batch_reads:
                    found = await read(usccs)
                return [found[uscc] if uscc in found else missing() for uscc in usccs]

            loader = self.batches[key] = DataLoader(load_fn=load)
        return loader

    def relation(self, name: str) -> Callable[[str], Awaitable[list[Row]]]:
        loader = self.related[name]
        return loader.load

    async def load_profile(
        self, uscc: str, relations: list[str]
    ) -> tuple[Row, dict[str, list[Row]]] | None:
        """Read an enterprise and the relations a request selects in one query (by relation
        name), and prime the loaders with them so other paths to it need no round trip."""
        if not relations:
            row = await self.enterprise.load(uscc)
            return None if row is None else (row, {})
        found = await self.reader.profiles([uscc], relations, self.visibility)
        if uscc not in found:
            self.enterprise.prime(uscc, None)
            return None
        row, related = found[uscc]
        self.enterprise.prime(uscc, row)
        for name, rows in related.items():
            self.related[name].prime(uscc, rows)
        return row, related

    def prime(self, rows: list[dict[str, Any]]) -> None:
        """Remember enterprises already read (by a list query) so references reuse them."""
        for row in rows:
            self.enterprise.prime(row["uscc"], row)

    def touch(self, path: Path, usccs: Iterable[str | None]) -> None:
        """The answer at `path` (a resolver's `info.path`) carries these enterprises' data:
        the audit trail records them if the root field above `path` answers non-null."""
        while path.prev is not None:
            path = path.prev
        self.touched_under.setdefault(str(path.key), set()).update(u for u in usccs if u)

    def touch_persons(self, path: Path, keys: Iterable[str]) -> None:
        """The answer at `path` carries these persons' profiles (by person key): the audit
        trail names them if the root field above `path` answers non-null."""
        while path.prev is not None:
            path = path.prev
        self.persons_under.setdefault(str(path.key), set()).update(k for k in keys if k)

    def answered_persons(self, data: Mapping[str, object] | None) -> set[str]:
        """The person keys touched under a root field that answered non-null."""
        return {
            key
            for root, keys in self.persons_under.items()
            if data is not None and data.get(root) is not None
            for key in keys
        }

    def answered(self, data: Mapping[str, object] | None) -> set[str]:
        """Every enterprise whose data the answer `data` (the response's `data`) carries:
        those touched under a root field that answered non-null, and those read outside any.
        A root that answered null (unknown, hidden, refused, or nulled by a refused field
        below it) carried nothing."""
        answered = set(self.touched)
        for key, usccs in self.touched_under.items():
            if data is not None and data.get(key) is not None:
                answered |= usccs
        return answered
