"""The graph predicates several packages ask, each written once, as named Cypher fragments.

Every `cypher.py` of the project (and `auth.policy`, `graph_schema.writes`) composes these
instead of writing the text again, so a rule such as "a tie is in force on a date" has one
home and every query asks the same question; `tests/unit/test_cypher_predicates.py` fails when
a fragment's text appears anywhere else.

The builders take the names of Cypher variables (`r`, `o`), properties of a row (`row.props.
outcome`) or parameters (`$as_of`) as written in the calling query, never values and never a
caller's input: each name is checked to be one, so a fragment cannot carry anything else.
Fragments are expressions or clauses to insert as they are; none ends with a newline.
"""

from __future__ import annotations

import re
from typing import Final

from graph_schema.model import ListKind
from graph_schema.objections import NEEDS_RESENT_RECORD, OPEN, RESOLUTIONS, WITHDRAWS_RECORD
from graph_schema.publicity import PUBLICITY, PublicityRegime

_NAME = re.compile(r"\$?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_SCOPE = re.compile(r"[a-z]+(:[a-z]+)?")


def _names(*names: str) -> None:
    for name in names:
        if not _NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a Cypher variable, property or parameter name")


def _strings(values: frozenset[str]) -> str:
    return "[" + ", ".join(f"'{value}'" for value in sorted(values)) + "]"


# --- ties: relationships with a period (`since`, `until`: first and last day) ---------------

NETWORK_TIES: Final = "LEGAL_REPRESENTATIVE_OF|OFFICER_OF|SHAREHOLDER_OF|REGISTERED_AT"
"""The ties that relate two enterprises in the rating's network: a person in a position in
both, a shareholding, a shared address."""

POSITIONS: Final = "LEGAL_REPRESENTATIVE_OF|OFFICER_OF|SHAREHOLDER_OF"
"""The positions a person (or, for a shareholding, an enterprise) holds in an enterprise."""


def tie_not_ended(tie: str, on: str) -> str:
    """The tie `tie` has not ended before `on` (its `until` is its last day)."""
    _names(tie, on)
    return f"({tie}.until IS NULL OR {tie}.until >= {on})"


def tie_begun(tie: str, on: str) -> str:
    """The tie `tie` had begun by `on` (a tie without `since` always had), ended or not."""
    _names(tie, on)
    return f"({tie}.since IS NULL OR {tie}.since <= {on})"


def tie_in_force(tie: str, on: str) -> str:
    """The tie `tie` holds on `on`: begun by then (`since`) and not ended before (`until`)."""
    _names(tie, on)
    return f"{tie_begun(tie, on)} AND {tie_not_ended(tie, on)}"


def network_tie(tie: str, on: str, min_ratio: str) -> str:
    """The tie `tie` relates enterprises in the rating's network on `on`: in force, and, for a
    shareholding, of at least `min_ratio` (a tie without a ratio is not a shareholding)."""
    _names(tie, on, min_ratio)
    return f"({tie}.ratio IS NULL OR {tie}.ratio >= {min_ratio}) AND {tie_in_force(tie, on)}"


def holder_kind(holder: str) -> str:
    """'PERSON' or 'ENTERPRISE': what the holder of a position or shareholding is."""
    _names(holder)
    return f"CASE WHEN {holder}:Person THEN 'PERSON' ELSE 'ENTERPRISE' END"


# --- facts -------------------------------------------------------------------------------------


def fact_counts(fact: str, dated: str, on: str) -> str:
    """The fact `fact` (penalty, list entry, classification) counts on `on`: dated (by its
    property `dated`) by then, and not withdrawn after an objection (a withdrawn record never
    counted, whatever the date)."""
    _names(fact, dated, on)
    return f"{fact}.{dated} <= {on} AND {fact}.withdrawnOn IS NULL"


def punitive(entry: str) -> str:
    """The list entry `entry` is on a punitive (authoritative) list, not the red list."""
    _names(entry)
    return f"{entry}.list <> '{ListKind.RED_LIST.value}'"


def list_entry_in_force(entry: str, on: str) -> str:
    """The punitive list entry `entry` is in force on `on`: listed by then, neither removed nor
    expired (`removedOn` and `expiresOn` are the first days it no longer applies)."""
    _names(entry, on)
    return (
        f"{punitive(entry)} AND {entry}.listedOn <= {on}"
        f" AND ({entry}.removedOn IS NULL OR {entry}.removedOn > {on})"
        f" AND ({entry}.expiresOn IS NULL OR {entry}.expiresOn > {on})"
    )


def may_be_listed(subject: str) -> str:
    """The subject `subject` has a list entry of some list, in force on some day or on none: a
    superset of the subjects `list_entry_in_force` finds listed on any one day, which the graph
    keeps without help (it asks for the relationship only, so it reads no entry). A search
    prunes with it and asks `list_entry_in_force` of the entries of what is left."""
    _names(subject)
    return f"EXISTS {{ ({subject})-[:LISTED]->() }}"


def coverage_applies(coverage: str, on: str) -> str:
    """The joint-list coverage row `coverage` applies on `on`: valid from by then, neither ended
    (`validUntil`) nor withdrawn (`withdrawnOn`) by then."""
    _names(coverage, on)
    return (
        f"{coverage}.validFrom <= {on}"
        f" AND ({coverage}.validUntil IS NULL OR {coverage}.validUntil > {on})"
        f" AND ({coverage}.withdrawnOn IS NULL OR {coverage}.withdrawnOn > {on})"
    )


def is_export(declaration: str) -> str:
    """The customs declaration `declaration` is an export."""
    _names(declaration)
    return f"{declaration}.direction = 'EXPORT'"


def trade_payment_into(enterprise: str, payment: str) -> str:
    """Pattern: a domestic trade payment `payment` from any enterprise to `enterprise`
    (payment-flow data: not export proceeds, see `export_receipt_of`)."""
    _names(enterprise, payment)
    return f"(:Enterprise)-[:PAID]->({payment}:TradePayment)-[:PAID_TO]->({enterprise})"


def export_receipt_of(enterprise: str, receipt: str) -> str:
    """Pattern: export proceeds `receipt` received from abroad by `enterprise` (a collection in
    SAFE's sense: what the collection ratio sets against the exports)."""
    _names(enterprise, receipt)
    return f"({enterprise})-[:RECEIVED]->({receipt}:ExportReceipt)"


def receipt_counts_after(receipt: str, since: str) -> str:
    """The export proceeds `receipt` count against the exports declared after `since`: they
    settle no export declared, and no order placed, on or before `since` (proceeds of an
    earlier export belong to that export's window, not to this one)."""
    _names(receipt, since)
    return (
        f"NOT EXISTS {{ MATCH (d:Declaration {{id: {receipt}.declarationId}})"
        f" WHERE d.declaredOn <= {since} }}"
        f" AND NOT EXISTS {{ MATCH (o:Order {{id: {receipt}.orderId}})"
        f" WHERE o.orderedOn <= {since} }}"
    )


def receipt_settles_export(enterprise: str, receipt: str) -> str:
    """The export proceeds `receipt` name an export of `enterprise`, of any date: a declared
    export (`declarationId`) or an order it sold (`orderId`)."""
    _names(enterprise, receipt)
    return (
        f"(EXISTS {{ MATCH ({enterprise})-[:DECLARED]->(d:Declaration {{id: {receipt}"
        f".declarationId}}) WHERE {is_export('d')} }}"
        f" OR EXISTS {{ MATCH ({enterprise})-[:SOLD]->(:Order {{id: {receipt}.orderId}}) }})"
    )


# --- the three documents of a cross-border order, against its customs inventory list -------


def order_documents(order: str, on: str) -> str:
    """A clause after a MATCH of the order `order`: bind `inv`, its customs inventory list in
    the order's direction (CEB603 for an export, CEB621 for an import), and its three
    documents, `pay` (the CEB403 receipt or CEB411 payment) and `w` (the CEB505 or CEB511
    waybill), each the first by id declared, paid or shipped by `on` (null when none was),
    keeping only `order`."""
    _names(order, on)
    return (
        f"WITH {order},\n"
        f"  head(COLLECT {{ MATCH (inv:InventoryList)-[:DECLARES]->({order})\n"
        f"    WHERE inv.declaredOn <= {on} AND inv.direction = {order}.direction\n"
        "    RETURN inv ORDER BY inv.id }) AS inv,\n"
        f"  head(COLLECT {{ MATCH (pay:Payment)-[:PAYS]->({order}) WHERE pay.paidOn <= {on}\n"
        "    RETURN pay ORDER BY pay.id }) AS pay,\n"
        f"  head(COLLECT {{ MATCH (w:Waybill)-[:SHIPS]->({order}) WHERE w.shippedOn <= {on}\n"
        "    RETURN w ORDER BY w.id }) AS w"
    )


def document_mismatch(order: str) -> str:
    """Why the documents of `order` (with `inv`, `pay` and `w` of `order_documents`) do not
    match its inventory list, or null when they do (GACC Announcement 2018 No. 194); the
    first that applies of:

    * 'no inventory list', 'no payment', 'no waybill': none by the date;
    * 'amount': the payment or receipt is not goods + freight + tax - discount of the order,
      or the list's goods or freight are not the order's (each to half a fen);
    * 'consignee': an import waybill's consignee (name, phone, address) is not the order's,
      or the import list's consignee address is not the order's; for an export, whose
      messages carry no consignee, only where the order and the waybill both give one;
    * 'payer': import only, the payer is not the list's buyer (订购人), or the order's buyer
      (where it names one) is not the list's;
    * 'payee': export only, the receipt's e-commerce enterprise is not the list's (CEB403
      names no payer: the seller declared must be the one paid);
    * 'codes': the platform, e-commerce enterprise or logistics firm code of the order,
      payment or waybill is not the list's, where the document gives one.
    """
    _names(order)
    o = order
    consignee = (
        f"w.consigneeName = {o}.consigneeName AND w.consigneePhone = {o}.consigneePhone"
        f" AND w.consigneeAddress = {o}.consigneeAddress"
    )
    return (
        "CASE\n"
        "  WHEN inv IS NULL THEN 'no inventory list'\n"
        "  WHEN pay IS NULL THEN 'no payment'\n"
        "  WHEN w IS NULL THEN 'no waybill'\n"
        f"  WHEN abs(pay.amountCny - ({o}.goodsCny + {o}.freightCny + {o}.taxCny"
        f" - {o}.discountCny)) >= 0.005\n"
        f"    OR abs(inv.goodsCny - {o}.goodsCny) >= 0.005"
        f" OR abs(inv.freightCny - {o}.freightCny) >= 0.005 THEN 'amount'\n"
        "  WHEN (inv.direction = 'IMPORT' AND NOT coalesce(\n"
        f"      {consignee} AND inv.consigneeAddress = {o}.consigneeAddress, false))\n"
        f"    OR (inv.direction = 'EXPORT' AND NOT ({consignee})) THEN 'consignee'\n"
        "  WHEN inv.direction = 'IMPORT' AND (NOT coalesce(pay.payerName = inv.buyerName, false)\n"
        f"    OR {o}.buyerName <> inv.buyerName) THEN 'payer'\n"
        "  WHEN inv.direction = 'EXPORT' AND pay.ebcCode <> inv.ebcCode THEN 'payee'\n"
        f"  WHEN {o}.ebpCode <> inv.ebpCode OR {o}.ebcCode <> inv.ebcCode\n"
        "    OR pay.ebpCode <> inv.ebpCode OR w.logisticsCode <> inv.logisticsCode THEN 'codes'\n"
        "  ELSE null END"
    )


# --- consents ---------------------------------------------------------------------------------


def consent_in_force(consent: str, now: str) -> str:
    """The consent `consent` is neither revoked nor past its `expiresAt` at `now` (a consent
    without `expiresAt` is never in force: the comparison is null)."""
    _names(consent, now)
    return f"{consent}.revokedAt IS NULL AND {consent}.expiresAt > {now}"


def consent_active(consent: str, institution: str, now: str, scope: str | None = None) -> str:
    """The consent `consent` names `institution` and is in force at `now`; with `scope` (a
    scope name, fixed by the calling code), it also covers that scope."""
    _names(consent, institution, now)
    text = f"{consent}.institution = {institution} AND {consent_in_force(consent, now)}"
    if scope is None:
        return text
    if not _SCOPE.fullmatch(scope):
        raise ValueError(f"{scope!r} is not a scope name")
    return f"{text} AND '{scope}' IN {consent}.scopes"


def has_active_consent(enterprise: str, institution: str, now: str, scope: str) -> str:
    """The enterprise `enterprise` has a consent active for `scope` (`consent_active`); binds
    `c` inside the subquery, so the calling query must not bind `c` itself."""
    _names(enterprise)
    return f"""EXISTS {{
    MATCH ({enterprise})-[:CONSENTED]->(c:Consent)
    WHERE {consent_active("c", institution, now, scope)}
  }}"""


# --- objections (`graph_schema.objections` is the state machine these follow) -----------------


def objection_resolvable(objection: str, record: str, outcome: str, batch: str) -> str:
    """The answer `outcome` from batch `batch` may resolve `objection` to `record`: the Cypher
    twin of `graph_schema.objections.resolution_refusal(...) is None` (`replay`: the objection's
    `resolutionBatch` is `batch`; `record_resent`: the record's `batch` is not the one
    objected to, `recordBatch`)."""
    _names(objection, record, outcome, batch)
    resent = _strings(frozenset(s.value for s in NEEDS_RESENT_RECORD))
    return (
        f"{outcome} IN {_strings(frozenset(s.value for s in RESOLUTIONS))}"
        f" AND ({objection}.status = '{OPEN.value}'"
        f" OR ({objection}.status = {outcome} AND {objection}.resolutionBatch = {batch}))"
        f" AND (NOT {outcome} IN {resent} OR {record}.batch <> {objection}.recordBatch)"
    )


def objection_withdraws(outcome: str) -> str:
    """The answer `outcome` withdraws the record objected to."""
    _names(outcome)
    return f"{outcome} IN {_strings(frozenset(s.value for s in WITHDRAWS_RECORD))}"


# --- repair (`graph_schema.publicity` holds the rules these follow) -----------------------------


def _repair_after(penalty: str, regime: PublicityRegime) -> str:
    cases = " ".join(
        f"WHEN '{severity.value}' THEN {penalty}.decidedOn"
        f" + duration({{months: {period.repair_after_months}}})"
        for severity in sorted(regime.severities)
        if (period := regime.period(severity)) is not None
    )
    return f"CASE {penalty}.severity {cases} END"


def repair_eligible_from(penalty: str) -> str:
    """The first day the penalty `penalty` may be repaired: its decision date plus its
    severity's minimum publicity under the regime in force on that date (the first regime
    before it), null for a severity never published. The Cypher twin of
    `graph_schema.publicity.Publicity.repairable_from`, built from the same data."""
    _names(penalty)
    first, *later = PUBLICITY.regimes
    branches = "".join(
        f" WHEN {penalty}.decidedOn >= date('{regime.in_force_from.isoformat()}')"
        f" THEN {_repair_after(penalty, regime)}"
        for regime in reversed(later)
    )
    return f"CASE{branches} ELSE {_repair_after(penalty, first)} END"


__all__ = [
    "NETWORK_TIES",
    "POSITIONS",
    "consent_active",
    "consent_in_force",
    "coverage_applies",
    "document_mismatch",
    "export_receipt_of",
    "fact_counts",
    "has_active_consent",
    "holder_kind",
    "is_export",
    "list_entry_in_force",
    "may_be_listed",
    "network_tie",
    "objection_resolvable",
    "objection_withdraws",
    "order_documents",
    "punitive",
    "receipt_counts_after",
    "receipt_settles_export",
    "repair_eligible_from",
    "tie_in_force",
    "tie_not_ended",
    "trade_payment_into",
]
