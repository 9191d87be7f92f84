"""The risk scan: detections on the graph turned into stored alerts with their evidence.

`RiskScanner.scan(usccs, as_of)` runs every detection from those enterprises (one query per
detection for the whole chunk), stores what it finds (an alert's id is a hash of its kind and
evidence, so a finding seen again is the same alert) and clears the alerts about those
enterprises that are no longer found. `scan_all` runs it over every enterprise in chunks;
`scan_batch` scans what a batch named (its SCAN effect, drained by `hub.effects`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncDriver, AsyncManagedTransaction

from connectors.records.subjects import Subjects
from graph_schema.dates import add_months, utc_today
from graph_schema.sessions import open_session
from hub.credit.facts import unmatched_by_reason
from hub.credit.reads import subjects_of_facts
from hub.reconciliation.ratios import money, refund_ceiling, refund_excess
from hub.repository import read_rows
from hub.risk import cypher
from hub.risk.rules import RiskRules

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Alert:
    id: str
    kind: str
    severity: str
    reason: str
    subjects: tuple[str, ...]  # USCCs
    evidence: tuple[str, ...]
    zones: tuple[str, ...]
    basis: str

    def row(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "props": {
                "kind": self.kind,
                "severity": self.severity,
                "reason": self.reason,
                "subjects": list(self.subjects),
                "evidence": list(self.evidence),
                "zones": list(self.zones),
                "basis": self.basis,
            },
        }


def alert_id(kind: str, evidence: tuple[str, ...]) -> str:
    digest = hashlib.sha256("|".join((kind, *evidence)).encode()).hexdigest()
    return f"R-{digest[:24]}"


def _zones(values: list[str | None]) -> tuple[str, ...]:
    return tuple(sorted({z for z in values if z}))


def cycle_alerts(rules: RiskRules, rows: list[dict[str, Any]]) -> list[Alert]:
    """One alert per ring, however many of its members the scan started from."""
    rule = rules.circular_payments
    found: dict[tuple[str, ...], Alert] = {}
    for row in rows:
        members: list[str] = row["members"]
        start = members.index(min(members))  # a ring is the same from any member
        ring = tuple(members[start:] + members[:start])
        if ring in found:
            continue
        payments = tuple(sorted(row["payments"]))
        reason = (
            f"payments go round {len(ring)} enterprises ({' -> '.join(ring)} -> {ring[0]}), "
            f"CNY {row['total']:,.2f} in {len(payments)} payments within {rule.window_days} days"
        )
        found[ring] = Alert(
            alert_id("CIRCULAR_PAYMENTS", ring),
            "CIRCULAR_PAYMENTS",
            rule.severity,
            reason,
            tuple(sorted(ring)),
            payments,
            _zones(row["zones"]),
            rule.basis,
        )
    return list(found.values())


def cluster_alerts(rules: RiskRules, rows: list[dict[str, Any]]) -> list[Alert]:
    rule = rules.shared_clusters
    alerts = []
    for row in rows:
        threshold = getattr(rule, row["kind"])
        members = tuple(sorted(row["members"]))
        if len(members) < threshold:
            continue
        what = row["kind"].replace("_", " ")
        # an address or phone is named; a person is not (the evidence holds the person key)
        if row["kind"] == "legal_representative":
            shared = f"one {what}"
        else:
            shared = f"the {what} {row['label']}"
        alerts.append(
            Alert(
                alert_id("SHARED_" + row["kind"].upper(), (row["key"],)),
                "SHARED_" + row["kind"].upper(),
                rule.severity,
                f"{len(members)} enterprises share {shared} (the threshold is {threshold})",
                members,
                (row["key"],),
                _zones(row["zones"]),
                rule.basis,
            )
        )
    return alerts


def mismatch_alerts(rules: RiskRules, rows: list[dict[str, Any]]) -> list[Alert]:
    rule = rules.document_mismatch
    alerts = []
    for row in rows:
        orders, unmatched = row["orders"], sorted(row["unmatched"])
        if orders < rule.min_orders or len(unmatched) / orders < rule.min_rate:
            continue
        alerts.append(
            Alert(
                alert_id("DOCUMENT_MISMATCH", (row["uscc"],)),
                "DOCUMENT_MISMATCH",
                rule.severity,
                f"the three documents do not match on {len(unmatched)} of {orders} orders in "
                f"{rule.window_months} months ({len(unmatched) / orders:.0%}, the threshold is "
                f"{rule.min_rate:.0%}): {unmatched_by_reason(row['reasons'])}",
                (row["uscc"],),
                tuple(unmatched),
                _zones([row["zone"]]),
                rule.basis,
            )
        )
    return alerts


def representative_alerts(rules: RiskRules, rows: list[dict[str, Any]]) -> list[Alert]:
    rule = rules.covered_representative
    return [
        Alert(
            alert_id("COVERED_REPRESENTATIVE", (row["uscc"], row["person"])),
            "COVERED_REPRESENTATIVE",
            rule.severity,
            f"registered {row['registeredOn'].isoformat()}, its legal representative is covered "
            f"by joint punishment ({', '.join(sorted(row['lists']))})",
            (row["uscc"],),
            tuple(sorted(row["causes"])),
            _zones([row["zone"]]),
            rule.basis,
        )
        for row in rows
    ]


def spike_alerts(rules: RiskRules, rows: list[dict[str, Any]]) -> list[Alert]:
    rule = rules.export_spike
    months = rule.history_months - rule.recent_days / 30
    alerts = []
    for row in rows:
        if not row["historyCount"]:
            continue  # no history to compare with: a first export is not a spike
        usual = row["history"] / months * rule.recent_days / 30
        recent = row["recent"]
        if recent < rule.min_recent_cny or recent < rule.factor * usual:
            continue
        alerts.append(
            Alert(
                alert_id("EXPORT_SPIKE", (row["uscc"],)),
                "EXPORT_SPIKE",
                rule.severity,
                f"exported CNY {recent:,.2f} in {rule.recent_days} days, {recent / usual:.1f} "
                f"times its usual CNY {usual:,.2f} (the threshold is {rule.factor:g} times)",
                (row["uscc"],),
                (),
                _zones([row["zone"]]),
                rule.basis,
            )
        )
    return alerts


def deregistered_alerts(rules: RiskRules, rows: list[dict[str, Any]]) -> list[Alert]:
    rule = rules.declaration_after_deregistration
    alerts = []
    for row in rows:
        declarations = tuple(sorted(row["declarations"]))
        count = len(declarations)
        reason = (
            f"{count} {'declaration' if count == 1 else 'declarations'} (CNY "
            f"{row['value']:,.2f}) dated after its registration was {row['status'].lower()} "
            f"on {row['statusSince'].isoformat()}"
        )
        alerts.append(
            Alert(
                alert_id("DECLARATION_AFTER_DEREGISTRATION", (row["uscc"],)),
                "DECLARATION_AFTER_DEREGISTRATION",
                rule.severity,
                reason,
                (row["uscc"],),
                declarations,
                _zones([row["zone"]]),
                rule.basis,
            )
        )
    return alerts


def receipt_alerts(rules: RiskRules, rows: list[dict[str, Any]]) -> list[Alert]:
    """Export proceeds with no exports behind them, and exports with no proceeds received:
    SAFE's two sides of goods-trade verification, each past its grace days."""
    alerts = []
    no_exports, no_receipts = rules.receipts_without_exports, rules.exports_without_receipts
    for row in rows:
        received, exported = row["oldReceived"], row["oldExported"]
        if not row["exported"] and received and received >= no_exports.min_received_cny:
            count = len(row["oldReceipts"])
            alerts.append(
                Alert(
                    alert_id("RECEIPTS_WITHOUT_EXPORTS", (row["uscc"],)),
                    "RECEIPTS_WITHOUT_EXPORTS",
                    no_exports.severity,
                    f"received CNY {received:,.2f} of export proceeds from abroad in {count} "
                    f"{'receipt' if count == 1 else 'receipts'} and declared no export in "
                    f"{no_exports.window_months} months",
                    (row["uscc"],),
                    tuple(sorted(row["oldReceipts"])),
                    _zones([row["zone"]]),
                    no_exports.basis,
                )
            )
        if not row["received"] and exported and exported >= no_receipts.min_exported_cny:
            count = len(row["oldExports"])
            alerts.append(
                Alert(
                    alert_id("EXPORTS_WITHOUT_RECEIPTS", (row["uscc"],)),
                    "EXPORTS_WITHOUT_RECEIPTS",
                    no_receipts.severity,
                    f"declared CNY {exported:,.2f} of exports in {count} "
                    f"{'declaration' if count == 1 else 'declarations'} more than "
                    f"{no_receipts.grace_days} days ago and received no export proceeds from "
                    f"abroad in {no_receipts.window_months} months",
                    (row["uscc"],),
                    tuple(sorted(row["oldExports"])),
                    _zones([row["zone"]]),
                    no_receipts.basis,
                )
            )
    return alerts


def refund_alerts(rules: RiskRules, rows: list[dict[str, Any]]) -> list[Alert]:
    """Export tax refunds claimed beyond what the exports behind them could yield at the
    highest refund rate (`hub.reconciliation.ratios.refund_excess`)."""
    rule = rules.refunds_out_of_proportion
    alerts = []
    for row in rows:
        claimed, exported = money(row["claimed"]), money(row["exported"])
        excess = refund_excess(claimed, exported, rule.max_refund_rate, rule.min_claimed_cny)
        if excess is None:
            continue
        claims, exports = len(row["claims"]), row["exportCount"]
        months = rule.window_months + rule.export_lead_months
        alerts.append(
            Alert(
                alert_id("REFUNDS_OUT_OF_PROPORTION", (row["uscc"],)),
                "REFUNDS_OUT_OF_PROPORTION",
                rule.severity,
                f"claimed CNY {claimed:,.2f} of export tax refunds in {claims} "
                f"{'claim' if claims == 1 else 'claims'} in {rule.window_months} months, CNY "
                f"{excess:,.2f} more than the CNY "
                f"{refund_ceiling(exported, rule.max_refund_rate):,.2f} its exports could yield "
                f"at the highest refund rate of {rule.max_refund_rate:.0%} (CNY "
                f"{exported:,.2f} declared in {exports} "
                f"{'declaration' if exports == 1 else 'declarations'} in {months} months)",
                (row["uscc"],),
                tuple(sorted(row["claims"])),
                _zones([row["zone"]]),
                rule.basis,
            )
        )
    return alerts


@dataclass
class ScanReport:
    enterprises: int = 0
    found: int = 0
    cleared: int = 0
    seconds: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)


@dataclass
class RiskScanner:
    driver: AsyncDriver
    database: str
    rules: RiskRules
    chunk_size: int = 1000
    clock: Callable[[], dt.date] = utc_today

    async def scan_batch(self, subjects: Subjects) -> ScanReport | None:
        """A batch's SCAN effect (`hub.effects`): scan the enterprises the batch named, and
        the sellers of the orders its payments and waybills are for, as of today; None when
        it names none. A failure raises: the effect stays owed and is done again."""
        named, _ = await subjects_of_facts(self.driver, self.database, sorted(subjects.fact_ids))
        usccs = subjects.usccs | named
        if not usccs:
            return None
        return await self.scan(sorted(usccs), self.clock())

    async def scan_all(self, as_of: dt.date, progress: Progress | None = None) -> ScanReport:
        rows = await self._read(cypher.ALL_USCCS, {})
        usccs = [row["uscc"] for row in rows]
        report = ScanReport()
        started = time.perf_counter()
        for start in range(0, len(usccs), self.chunk_size):
            chunk = usccs[start : start + self.chunk_size]
            part = await self.scan(chunk, as_of)
            report.enterprises += part.enterprises
            report.found += part.found
            report.cleared += part.cleared
            for kind, count in part.by_kind.items():
                report.by_kind[kind] = report.by_kind.get(kind, 0) + count
            if progress is not None:
                progress(start + len(chunk), len(usccs))
        report.seconds = time.perf_counter() - started
        return report

    async def scan(self, usccs: list[str], as_of: dt.date) -> ScanReport:
        rules = self.rules
        base = {"usccs": usccs, "as_of": as_of}
        cycles = await self._read(
            cypher.PAYMENT_CYCLES,
            {
                **base,
                "since": as_of - dt.timedelta(days=rules.circular_payments.window_days),
                "min_size": rules.circular_payments.min_enterprises,
                "max_size": rules.circular_payments.max_enterprises,
            },
        )
        hubs = await self._read(cypher.SHARED_HUBS, base)
        orders = await self._read(
            cypher.ORDER_MISMATCHES,
            {**base, "since": add_months(as_of, -rules.document_mismatch.window_months)},
        )
        covered = await self._read(
            cypher.COVERED_REPRESENTATIVES,
            {
                **base,
                "young_since": add_months(as_of, -rules.covered_representative.max_age_months),
            },
        )
        spike = rules.export_spike
        recent_since = as_of - dt.timedelta(days=spike.recent_days)
        exports = await self._read(
            cypher.EXPORT_VALUES,
            {
                **base,
                "recent_since": recent_since,
                "history_since": add_months(as_of, -spike.history_months),
            },
        )
        after_end = await self._read(
            cypher.DECLARATIONS_AFTER_DEREGISTRATION,
            {
                **base,
                "statuses": [s.value for s in rules.declaration_after_deregistration.statuses],
            },
        )
        alerts = [
            *cycle_alerts(rules, cycles),
            *cluster_alerts(rules, hubs),
            *mismatch_alerts(rules, orders),
            *representative_alerts(rules, covered),
            *spike_alerts(rules, exports),
            *deregistered_alerts(rules, after_end),
            *await self.trade_signals(usccs, as_of),
        ]
        params = {
            "rows": [a.row() for a in alerts],
            "found": [a.id for a in alerts],
            "usccs": usccs,
            "as_of": as_of,
        }
        async with open_session(self.driver, self.database) as session:
            cleared = await session.execute_write(_write, params)
        by_kind: dict[str, int] = {}
        for alert in alerts:
            by_kind[alert.kind] = by_kind.get(alert.kind, 0) + 1
        return ScanReport(len(usccs), len(alerts), cleared, by_kind=by_kind)

    async def trade_signals(self, usccs: list[str], as_of: dt.date) -> list[Alert]:
        """The detections that set one department's trade records against another's (export
        proceeds against exports, refunds against exports), found and not stored: the scan
        stores them, the cross-department views (`hub.reconciliation`) show them."""
        rules, base = self.rules, {"usccs": usccs, "as_of": as_of}
        no_exports, no_receipts = rules.receipts_without_exports, rules.exports_without_receipts
        flows = await self._read(
            cypher.RECEIPTS_AND_EXPORTS,
            {
                **base,
                "since": add_months(as_of, -no_exports.window_months),
                "receipts_before": as_of - dt.timedelta(days=no_exports.grace_days),
                "exports_before": as_of - dt.timedelta(days=no_receipts.grace_days),
            },
        )
        refunds = rules.refunds_out_of_proportion
        since = add_months(as_of, -refunds.window_months)
        claims = await self._read(
            cypher.REFUNDS_AND_EXPORTS,
            {
                **base,
                "since": since,
                "exports_since": add_months(since, -refunds.export_lead_months),
                "statuses": [s.value for s in refunds.counted_statuses],
            },
        )
        return [*receipt_alerts(rules, flows), *refund_alerts(rules, claims)]

    async def _read(self, query: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        return await read_rows(self.driver, self.database, query, params)


async def _write(tx: AsyncManagedTransaction, params: dict[str, Any]) -> int:
    if params["rows"]:
        await (
            await tx.run(cypher.WRITE_ALERTS, rows=params["rows"], as_of=params["as_of"])
        ).consume()
    result = await tx.run(
        cypher.CLEAR_ALERTS, usccs=params["usccs"], found=params["found"], as_of=params["as_of"]
    )
    record = await result.single()
    return int(record["cleared"]) if record else 0
