"""The store side of re-rating: one chunk's write transaction (ratings, coverage, withdrawals,
the networks searched, and the change-feed entries they make), and the UNWIND rows ratings,
coverage and networks are stored as. Which enterprises to re-rate, and when, is
`hub.credit.recompute`'s."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from typing import Any

from neo4j import AsyncManagedTransaction

from hub.credit import cypher
from hub.credit.changes import append_changes
from hub.credit.coverage import Coverage
from hub.credit.engine import Rating
from hub.credit.facts import NetworkLink, PathStep


async def write_chunk(tx: AsyncManagedTransaction, params: dict[str, Any]) -> dict[str, int]:
    """One chunk's ratings, coverage rows, withdrawals and networks searched, and the changes
    they make to the feed, in one transaction: all of it or none."""
    common = {"as_of": params["as_of"], "computed_at": params["computed_at"]}
    counts = {"ratings": 0, "coverage": 0, "withdrawn": 0, "changes": 0, "networks": 0}
    changes: list[dict[str, Any]] = []
    statements = (
        ("ratings", cypher.WRITE_RATINGS, "ratings", "written"),
        ("coverage", cypher.WRITE_COVERAGE, "coverage", "written"),
        ("withdrawn", cypher.WITHDRAW_PUNISHMENT, "withdraw_punishment", "withdrawn"),
        ("withdrawn", cypher.WITHDRAW_INCENTIVES, "withdraw_incentives", "withdrawn"),
        (None, cypher.END_COVERAGE, "ended", "ended"),
        ("networks", cypher.WRITE_NETWORKS, "networks", "written"),
    )
    for counter, query, rows_key, column in statements:
        if not params[rows_key]:
            continue
        result = await tx.run(query, {**common, "rows": params[rows_key]})
        record = await result.single()
        if counter is not None and record is not None:
            counts[counter] += int(record[column])
        if record is not None:
            changes += record.get("changes") or []  # only the ratings statement has them
    if params["watched"]:
        result = await tx.run(cypher.LIST_STATUS_CHANGES, {**common, "usccs": params["watched"]})
        record = await result.single()
        changes += record["changes"] if record is not None else []
    if changes:
        await append_changes(tx, changes, common)
    counts["changes"] = len(changes)
    return counts


def factor_dicts(rating: Rating) -> list[dict[str, Any]]:
    """A rating's factors as plain JSON-ready dicts (stored with the rating)."""
    return [
        {
            "code": f.code,
            "points": f.points,
            "reason": f.reason,
            "basis": f.basis,
            "evidence": list(f.evidence),
            "paths": [
                [{"label": s.label, "key": s.key, "relationship": s.relationship} for s in path]
                for path in f.paths
            ],
        }
        for f in rating.factors
    ]


def rating_fingerprint(rating: Rating) -> str:
    """What makes two ratings the same: score, grade, model and each factor's points and
    evidence (not the wording of reasons, which name the day of a decay)."""
    content = [
        rating.score,
        rating.grade,
        rating.forced_by,
        rating.model_version,
        [[f.code, f.points, list(f.evidence)] for f in rating.factors],
    ]
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:32]


def rating_row(rating: Rating) -> dict[str, Any]:
    """A rating as the UNWIND row of `WRITE_RATINGS`."""
    return {
        "id": uuid.uuid4().hex,
        "uscc": rating.uscc,
        "score": rating.score,
        "grade": rating.grade,
        "forcedBy": rating.forced_by,
        "modelVersion": rating.model_version,
        "asOf": rating.as_of,
        "fingerprint": rating_fingerprint(rating),
        "factors": json.dumps(factor_dicts(rating), ensure_ascii=False),
        "treatment": rating.treatment.name,
    }


def coverage_row(coverage: Coverage) -> dict[str, Any]:
    """A coverage as the UNWIND row of `WRITE_COVERAGE`."""
    measures = {
        dept.value: [{"measure": m.measure, "basis": m.basis} for m in items]
        for dept, items in coverage.measures.items()
    }
    return {
        "id": coverage.id,
        "props": {
            "kind": coverage.kind,
            "list": coverage.list,
            "cause": coverage.cause,
            "department": coverage.department,
            "subjectType": coverage.subject_type,
            "subjectKey": coverage.subject_key,
            "subjectName": coverage.subject_name,
            "subjectRole": coverage.subject_role,
            "relation": coverage.relation,
            "zone": coverage.zone,
            "depth": coverage.depth,
            "validFrom": coverage.valid_from,
            "validUntil": coverage.valid_until,
            "path": json.dumps(
                [
                    {"label": s.label, "key": s.key, "relationship": s.relationship}
                    for s in coverage.path
                ]
            ),
            "evidence": list(coverage.evidence),
            "measures": json.dumps(measures, ensure_ascii=False),
            "departments": sorted(measures),
            "basis": coverage.basis,
            "rulesVersion": coverage.rules_version,
        },
    }


def network_row(uscc: str, search: str, links: Sequence[NetworkLink]) -> dict[str, Any]:
    """An enterprise's network as searched, as the UNWIND row of `WRITE_NETWORKS`."""
    return {"uscc": uscc, "search": search, "links": network_links_json(links)}


def network_links_json(links: Sequence[NetworkLink]) -> str:
    """Links as stored: compact, and the same text for the same links in the same order, so an
    unchanged network is not written again."""
    return json.dumps(
        [
            [
                link.uscc,
                link.hops,
                [[step.label, step.key, step.relationship] for step in link.path],
                list(link.entry_ids),
                list(link.lists),
            ]
            for link in links
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def network_links_from_json(text: str) -> list[NetworkLink]:
    """The links `network_links_json` stored, equal to those it was given."""
    return [
        NetworkLink(
            uscc=uscc,
            hops=hops,
            path=tuple(PathStep(label, key, relationship) for label, key, relationship in path),
            entry_ids=tuple(entry_ids),
            lists=tuple(lists),
        )
        for uscc, hops, path, entry_ids, lists in json.loads(text)
    ]
