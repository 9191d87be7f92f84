"""The connector registry and batch ledger in the graph (queries in `connectors.cypher`).

`(:Connector {id, department, recordTypes, lastSequence, createdAt})-[:HAS_KEY]->
(:SigningKey {kid, connector, alg, publicJwk, validFrom, validTo, revokedAt})`;
`(:Connector)-[:SENT]->(:Batch {id, sequence, recordType, hash, createdAt, receivedAt,
records, written, gapFrom, gapTo})` for applied batches, and `(:BatchRejection)` nodes for
refused ones (kept apart, so a corrected batch may reuse the refused batch's id);
`(:OwedEffect {id, batch, kind, state, createdAt, usccs, personKeys, factIds, reach, ...})` for
what an applied batch owes, recorded in its transaction (`record_owed_effects`; drained by
`hub.effects`);
`(:Connector)-[:SEQUENCE_RESET]->(:SequenceReset {id, connector, fromSequence, toSequence,
reason, by, at})` for each time an operator reset the last accepted sequence.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from neo4j import AsyncDriver, AsyncManagedTransaction, RoutingControl
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from connectors.cypher import (
    ADD_KEY,
    BATCH_BY_ID,
    CLOSE_OPEN_KEYS,
    CONNECTOR_BY_ID,
    CONNECTOR_STATUS,
    KEY_AND_CONNECTOR,
    KEY_TAKEN,
    LOCK_CONNECTOR,
    RECORD_BATCH,
    RECORD_OWED_EFFECTS,
    RECORD_REJECTION,
    REGISTER_CONNECTOR,
    RESET_SEQUENCE,
    REVOKE_KEY,
)
from connectors.envelope import CONNECTOR_ID_PATTERN, MAX_SEQUENCE
from connectors.records.subjects import Reach, Subjects
from connectors.signing import Key, import_jwk
from graph_schema.sessions import open_session


@dataclass(frozen=True)
class RegisteredKey:
    kid: str
    connector: str
    department: str
    record_types: tuple[str, ...]
    alg: str
    key: Key
    valid_from: dt.datetime
    valid_to: dt.datetime | None
    revoked_at: dt.datetime | None


async def find_key(driver: AsyncDriver, database: str, kid: str) -> RegisteredKey | None:
    records, _, _ = await driver.execute_query(KEY_AND_CONNECTOR, kid=kid, database_=database)
    if not records:
        return None
    key, connector = records[0]["key"], records[0]["connector"]
    return RegisteredKey(
        kid=key["kid"],
        connector=connector["id"],
        department=connector["department"],
        record_types=tuple(connector["recordTypes"]),
        alg=key["alg"],
        key=import_jwk(json.loads(key["publicJwk"])),
        valid_from=key["validFrom"].to_native(),
        valid_to=key["validTo"].to_native() if key.get("validTo") else None,
        revoked_at=key["revokedAt"].to_native() if key.get("revokedAt") else None,
    )


async def get_connector(
    driver: AsyncDriver, database: str, connector: str
) -> dict[str, Any] | None:
    """The connector's properties (department, recordTypes, lastSequence, ...), or None."""
    records, _, _ = await driver.execute_query(CONNECTOR_BY_ID, id=connector, database_=database)
    return dict(records[0]["connector"]) if records else None


@dataclass(frozen=True)
class AppliedBatch:
    """What the ledger holds of an applied batch, for checking a batch id against it."""

    hash: str
    connector: str


async def applied_batch(driver: AsyncDriver, database: str, batch_id: str) -> AppliedBatch | None:
    records, _, _ = await driver.execute_query(BATCH_BY_ID, id=batch_id, database_=database)
    if not records:
        return None
    return AppliedBatch(str(records[0]["hash"]), str(records[0]["connector"]))


async def lock_connector(
    tx: AsyncManagedTransaction, connector: str, batch_id: str
) -> tuple[int, AppliedBatch | None]:
    """Take the connector's write lock and claim `batch_id` (see `LOCK_CONNECTOR`): the
    connector's last sequence, and the batch `batch_id` if one was applied (by any connector)
    before the locks were granted."""
    result = await tx.run(LOCK_CONNECTOR, id=connector, batch_id=batch_id)
    record = await result.single(strict=True)
    applied = None
    if record["appliedHash"] is not None:
        applied = AppliedBatch(str(record["appliedHash"]), str(record["appliedBy"]))
    return int(record["lastSequence"]), applied


async def record_batch(tx: AsyncManagedTransaction, **fields: Any) -> None:
    await tx.run(RECORD_BATCH, **fields)


class EffectKind(StrEnum):
    """What an applied batch owes, in the order it is done."""

    RERATE = "RERATE"
    """Re-rate what the batch's subjects reach (`hub.credit.recompute`)."""
    SCAN = "SCAN"
    """Scan its enterprises for risk (`hub.risk.scan`); reads the coverage RERATE stores."""


def owed_effect_id(batch_id: str, kind: EffectKind) -> str:
    return f"{batch_id}:{kind.value}"


async def record_owed_effects(
    tx: AsyncManagedTransaction,
    batch_id: str,
    subjects: Subjects,
    reach: Reach,
    created_at: dt.datetime,
) -> list[EffectKind]:
    """Record, in the batch's transaction, the effects it owes: a RERATE of its subjects with
    its reach, and a SCAN of the enterprises and facts it names; none when it names nothing."""
    kinds = [EffectKind.RERATE] if subjects else []
    if subjects.usccs or subjects.fact_ids:  # a person alone names no enterprise to scan
        kinds.append(EffectKind.SCAN)
    effects = [
        {
            "id": owed_effect_id(batch_id, kind),
            "batch": batch_id,
            "kind": kind.value,
            "usccs": sorted(subjects.usccs),
            "personKeys": sorted(subjects.person_keys),
            "factIds": sorted(subjects.fact_ids),
            "reach": reach.value,
        }
        for kind in kinds
    ]
    if effects:
        await tx.run(RECORD_OWED_EFFECTS, effects=effects, created_at=created_at)
    return kinds


async def record_rejection(driver: AsyncDriver, database: str, **fields: Any) -> None:
    await driver.execute_query(RECORD_REJECTION, **fields, database_=database)


async def register_connector(
    driver: AsyncDriver,
    database: str,
    connector: str,
    department: str,
    record_types: list[str],
    now: dt.datetime,
) -> None:
    """Create the connector, or change its department and allowed record types."""
    await driver.execute_query(
        REGISTER_CONNECTOR,
        id=connector,
        department=department,
        record_types=sorted(record_types),
        now=now,
        database_=database,
    )


def checked_public_jwk(jwk: dict[str, Any]) -> str:
    """The kid of a public JWK fit to register; ValueError naming what is wrong (no kid or alg,
    a private key, an unsupported or broken key). Callers check before writing anything."""
    kid, alg = jwk.get("kid"), jwk.get("alg")
    if not isinstance(kid, str) or not kid or not isinstance(alg, str):
        raise ValueError("the public JWK needs a kid and an alg")
    if "d" in jwk:
        raise ValueError("that JWK holds a private key; register the public key only")
    import_jwk(jwk)  # refuses unsupported key types
    return kid


async def key_taken(driver: AsyncDriver, database: str, kid: str) -> str | None:
    """The connector a key id is registered to, if any."""
    records, _, _ = await driver.execute_query(
        KEY_TAKEN, kid=kid, database_=database, routing_=RoutingControl.READ
    )
    return str(records[0]["connector"]) if records else None


async def add_key(
    driver: AsyncDriver,
    database: str,
    connector: str,
    jwk: dict[str, Any],
    valid_from: dt.datetime,
    *,
    close_others: bool,
) -> str:
    """Register a public key for the connector; with `close_others`, a rotation."""
    kid = checked_public_jwk(jwk)

    async def work(tx: AsyncManagedTransaction) -> str:
        taken = await (await tx.run(KEY_TAKEN, kid=kid)).single()
        if taken is not None:  # key ids are unique across connectors (migration 0003)
            raise ValueError(
                f"key {kid!r} is already registered (to {taken['connector']}); "
                "give the new key a new kid"
            )
        result = await tx.run(
            ADD_KEY,
            connector=connector,
            kid=kid,
            alg=jwk["alg"],
            jwk=json.dumps(jwk, sort_keys=True),
            valid_from=valid_from,
        )
        if await result.single() is None:
            raise LookupError(f"no connector {connector!r} is registered")
        if close_others:
            await tx.run(CLOSE_OPEN_KEYS, connector=connector, keep=kid, now=valid_from)
        return kid

    async with open_session(driver, database) as session:
        return await session.execute_write(work)


async def revoke_key(driver: AsyncDriver, database: str, kid: str, now: dt.datetime) -> str:
    """Revoke a key at once: no batch signed with it is accepted any more. Returns the connector."""
    records, _, _ = await driver.execute_query(REVOKE_KEY, kid=kid, now=now, database_=database)
    if not records:
        raise LookupError(f"no key {kid!r} is registered")
    return str(records[0]["connector"])


class SequenceReset(BaseModel):
    """An operator's reset of a connector's last accepted sequence: the next batch must be
    above `to` (and at most the maximum jump above it)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    connector: str = Field(pattern=CONNECTOR_ID_PATTERN)
    to: int = Field(strict=True, ge=0, le=MAX_SEQUENCE)
    reason: str = Field(min_length=1, max_length=1000, description="Why, for the record.")
    by: str = Field(min_length=1, max_length=200, description="The operator.")
    at: AwareDatetime


async def reset_sequence(driver: AsyncDriver, database: str, reset: SequenceReset) -> int:
    """Set the connector's last accepted sequence to `reset.to`, recording who, when, from
    what, to what and why in the same transaction. Returns the sequence it was before."""
    records, _, _ = await driver.execute_query(
        RESET_SEQUENCE,
        id=str(uuid.uuid4()),
        connector=reset.connector,
        to=reset.to,
        reason=reset.reason,
        by=reset.by,
        at=reset.at,
        database_=database,
    )
    if not records:
        raise LookupError(f"no connector {reset.connector!r} is registered")
    return int(records[0]["fromSequence"])


async def connector_status(
    driver: AsyncDriver, database: str, connector: str | None, recent: int = 5
) -> list[dict[str, Any]]:
    records, _, _ = await driver.execute_query(
        CONNECTOR_STATUS,
        id=connector,
        recent=recent,
        database_=database,
        routing_=RoutingControl.READ,
    )
    return [record.data() for record in records]
