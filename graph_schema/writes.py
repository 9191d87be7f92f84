"""Every Cypher write that upserts facts into the graph, one named statement per fact kind.

This is the one place the hub's fact-writing Cypher lives; the seed loader and the connector
pipeline both go through `UPSERTS` and `write_rows`. Each statement takes one parameter,
`$rows`, a list of row dicts, and is safe to replay: a node is MERGEd on its business key
only (`BUSINESS_KEYS`) and then gets `SET n += row.props`, a relationship is MERGEd between
endpoints MATCHed by their keys and then gets its properties. Replaying the same rows
therefore never duplicates anything, and a `None` in `props` removes that property.

Row shape (every kind):

* `props`: the properties of the fact's node (or, for a pure relationship, of the
  relationship): the fields of its record type (`connectors.records.models`) under their
  camelCase names, as `connectors.records.rows` builds them (`props: trade.order@1` below),
  always including the lineage `source` and `batch`. Dates are `datetime.date`, money is
  `float`.
* endpoint keys, named in each statement's docstring (`uscc`, `personKey`, ...).
* `rel` (kinds whose relationship has a period): the relationship's `since`, `until`,
  `source` and `batch`. Relationships without a period take `source` and `batch` from `props`.

A row whose endpoint does not exist is not written at all (no orphan fact node is created);
each statement returns `written`, the number of rows that were, so a caller can tell.
Values travel only as parameters; no Cypher here is ever composed from data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from neo4j import AsyncDriver, AsyncManagedTransaction, AsyncTransaction

from graph_schema.predicates import is_export

UPSERT_ZONES: Final = """
UNWIND $rows AS row
MERGE (z:Zone {code: row.props.code})
SET z += row.props
RETURN count(*) AS written
"""
"""Zones. Row: `{props: {code, name, source, batch}}`."""

UPSERT_INDUSTRY_BELTS: Final = """
UNWIND $rows AS row
MATCH (z:Zone {code: row.props.zone})
MERGE (b:IndustryBelt {code: row.props.code})
SET b += row.props
MERGE (b)-[r:BELT_OF]->(z)
SET r.source = row.props.source, r.batch = row.props.batch
RETURN count(*) AS written
"""
"""Industry belts and (belt)-[:BELT_OF]->(zone). Row: `{props: {code, name, zone, source,
batch}}`; `props.zone` is the zone's code."""

UPSERT_DEPARTMENTS: Final = """
UNWIND $rows AS row
MERGE (d:Department {code: row.props.code})
SET d += row.props
RETURN count(*) AS written
"""
"""Departments. Row: `{props: {code, name, source, batch}}`; `code` is a `Department` value."""

UPSERT_ENTERPRISES: Final = """
UNWIND $rows AS row
MATCH (z:Zone {code: row.props.zone})
MERGE (e:Enterprise {uscc: row.props.uscc})
SET e += row.props
MERGE (e)-[iz:IN_ZONE]->(z)
SET iz.source = row.props.source, iz.batch = row.props.batch
WITH e, z, row
CALL (e, z, row) {
  OPTIONAL MATCH (e)-[old:IN_ZONE]->(other:Zone)
  WHERE other <> z
  DELETE old
}
CALL (e, row) {
  OPTIONAL MATCH (e)-[old:IN_BELT]->(other:IndustryBelt)
  WHERE row.props.industryBelt IS NULL OR other.code <> row.props.industryBelt
  DELETE old
}
CALL (e, row) {
  MATCH (b:IndustryBelt {code: row.props.industryBelt})
  MERGE (e)-[ib:IN_BELT]->(b)
  SET ib.source = row.props.source, ib.batch = row.props.batch
}
CALL (e) {
  MATCH (n:Payment {payFirmUscc: e.uscc})
  MERGE (e)-[h:HANDLED]->(n)
  SET h.source = n.source, h.batch = n.batch
}
CALL (e) {
  MATCH (n:ExportReceipt {bankUscc: e.uscc})
  MERGE (e)-[h:HANDLED]->(n)
  SET h.source = n.source, h.batch = n.batch
}
CALL (e) {
  MATCH (n:Waybill {carrierUscc: e.uscc})
  MERGE (e)-[c:CARRIED]->(n)
  SET c.source = n.source, c.batch = n.batch
}
RETURN count(*) AS written
"""
"""Enterprises with (e)-[:IN_ZONE]->(zone) and, when the belt exists, (e)-[:IN_BELT]->(belt);
links to a former zone or belt are removed. Row: `{props: samr.enterprise@1}`, whose
`statusSince` (the day the status took effect) replaces the node's, an absent one removing it.
The zone must exist; an unknown belt code is kept as the property without a link.

The late links of a provider: payments, receipts and waybills that named the enterprise as
their payment firm, bank or carrier (`payFirmUscc`, `bankUscc`, `carrierUscc`) before the
registry sent it are linked now, (e)-[:HANDLED|CARRIED]->(document), with the document's
lineage (see `UPSERT_PAYMENTS`)."""

UPSERT_PERSONS: Final = """
UNWIND $rows AS row
MERGE (p:Person {personKey: row.props.personKey})
SET p += row.props
RETURN count(*) AS written
"""
"""Persons. Row: `{props: {personKey, name, idMasked, source, batch}}` (`samr.person@1`); never
the clear ID number."""

UPSERT_LEGAL_REPRESENTATIVES: Final = """
UNWIND $rows AS row
MATCH (p:Person {personKey: row.personKey})
MATCH (e:Enterprise {uscc: row.uscc})
MERGE (p)-[r:LEGAL_REPRESENTATIVE_OF]->(e)
SET r += row.props
RETURN count(*) AS written
"""
"""(person)-[:LEGAL_REPRESENTATIVE_OF]->(enterprise), one per pair. Row: `{personKey, uscc,
props: {since, until, source, batch}}`."""

UPSERT_OFFICERS: Final = """
UNWIND $rows AS row
MATCH (p:Person {personKey: row.personKey})
MATCH (e:Enterprise {uscc: row.uscc})
MERGE (p)-[r:OFFICER_OF {role: row.props.role}]->(e)
SET r += row.props
RETURN count(*) AS written
"""
"""(person)-[:OFFICER_OF {role}]->(enterprise), one per pair and role. Row: `{personKey, uscc,
props: samr.officer@1}` (`role`, `since`, `until`, lineage)."""

UPSERT_SHAREHOLDINGS: Final = """
UNWIND $rows AS row
MATCH (e:Enterprise {uscc: row.uscc})
CALL (row) {
  MATCH (h:Person {personKey: row.holder}) WHERE row.holderKind = 'PERSON' RETURN h
  UNION
  MATCH (h:Enterprise {uscc: row.holder}) WHERE row.holderKind = 'ENTERPRISE' RETURN h
}
MERGE (h)-[r:SHAREHOLDER_OF]->(e)
SET r += row.props
RETURN count(*) AS written
"""
"""(person or enterprise)-[:SHAREHOLDER_OF]->(enterprise), one per pair. Row: `{holderKind:
'PERSON'|'ENTERPRISE', holder: personKey or uscc, uscc: the held enterprise, props:
samr.shareholding@1}` (`ratio`, `since`, `until`, lineage)."""

UPSERT_ADDRESSES: Final = """
UNWIND $rows AS row
MATCH (e:Enterprise {uscc: row.uscc})
MERGE (a:Address {key: row.props.key})
SET a += row.props
MERGE (e)-[r:REGISTERED_AT]->(a)
SET r += row.rel
RETURN count(*) AS written
"""
"""Addresses and (enterprise)-[:REGISTERED_AT]->(address). Row: `{uscc, props:
samr.address@1, rel: {since, until, source, batch}}`; `props.key` is
`normalise_address(text)`, so one address shared by many enterprises is one node."""

UPSERT_PHONES: Final = """
UNWIND $rows AS row
MATCH (e:Enterprise {uscc: row.uscc})
MERGE (ph:Phone {number: row.props.number})
SET ph += row.props
MERGE (e)-[r:USES_PHONE]->(ph)
SET r += row.rel
RETURN count(*) AS written
"""
"""Phones and (enterprise)-[:USES_PHONE]->(phone). Row: `{uscc, props: samr.phone@1, rel:
{since, until, source, batch}}`; `props.number` is `normalise_phone(...)`."""

UPSERT_FILINGS: Final = """
UNWIND $rows AS row
MATCH (e:Enterprise {uscc: row.uscc})
MERGE (f:Filing {id: row.props.id})
SET f += row.props
MERGE (e)-[r:FILED]->(f)
SET r.source = row.props.source, r.batch = row.props.batch
WITH f, row
CALL (f, row) {
  OPTIONAL MATCH (f)-[old:SHARED_WITH]->(d:Department)
  WHERE NOT d.code IN row.sharedWith
  DELETE old
}
CALL (f, row) {
  UNWIND row.sharedWith AS code
  MATCH (d:Department {code: code})
  MERGE (f)-[s:SHARED_WITH]->(d)
  SET s.source = row.props.source, s.batch = row.props.batch
}
RETURN count(*) AS written
"""
"""Filings, (enterprise)-[:FILED]->(filing) and (filing)-[:SHARED_WITH]->(department) for each
code in `sharedWith` (links to departments no longer listed are removed). Row: `{uscc,
props: filing@1, sharedWith: [department code, ...]}`."""

UPSERT_PENALTIES: Final = """
UNWIND $rows AS row
MATCH (e:Enterprise {uscc: row.uscc})
MERGE (n:Penalty {id: row.props.id})
SET n += row.props
MERGE (e)-[r:PENALISED]->(n)
SET r.source = row.props.source, r.batch = row.props.batch
RETURN count(*) AS written
"""
"""Penalties and (enterprise)-[:PENALISED]->(penalty). Row: `{uscc, props:
penalty@1}`."""

UPSERT_LIST_ENTRIES: Final = """
UNWIND $rows AS row
CALL (row) {
  MATCH (s:Person {personKey: row.subject}) WHERE row.subjectKind = 'PERSON' RETURN s
  UNION
  MATCH (s:Enterprise {uscc: row.subject}) WHERE row.subjectKind = 'ENTERPRISE' RETURN s
}
MERGE (n:ListEntry {id: row.props.id})
SET n += row.props
MERGE (s)-[r:LISTED]->(n)
SET r.source = row.props.source, r.batch = row.props.batch
RETURN count(*) AS written
"""
"""List entries and (enterprise or person)-[:LISTED]->(entry). Row: `{subjectKind:
'ENTERPRISE'|'PERSON', subject: uscc or personKey, props: list.entry@1}`."""

UPSERT_CLASSIFICATIONS: Final = """
UNWIND $rows AS row
MATCH (e:Enterprise {uscc: row.uscc})
MERGE (n:Classification {id: row.props.id})
SET n += row.props
MERGE (e)-[r:CLASSIFIED]->(n)
SET r.source = row.props.source, r.batch = row.props.batch
RETURN count(*) AS written
"""
"""Classifications and (enterprise)-[:CLASSIFIED]->(classification). Row: `{uscc, props:
classification@1}`."""

UPSERT_DECLARATIONS: Final = """
UNWIND $rows AS row
MATCH (e:Enterprise {uscc: row.uscc})
MERGE (n:Declaration {id: row.props.id})
SET n += row.props
MERGE (e)-[r:DECLARED]->(n)
SET r.source = row.props.source, r.batch = row.props.batch
RETURN count(*) AS written
"""
"""Declarations and (enterprise)-[:DECLARED]->(declaration). Row: `{uscc, props:
customs.declaration@1}`."""

UPSERT_RETURNS: Final = f"""
UNWIND $rows AS row
MATCH (e:Enterprise {{uscc: row.uscc}})-[:DECLARED]->(d:Declaration {{id: row.props.declarationId}})
WHERE {is_export("d")}
MERGE (n:Return {{id: row.props.id}})
SET n += row.props
MERGE (e)-[r:RETURNED]->(n)
SET r.source = row.props.source, r.batch = row.props.batch
MERGE (n)-[o:RETURN_OF]->(d)
SET o.source = row.props.source, o.batch = row.props.batch
RETURN count(*) AS written
"""
"""Returns and (enterprise)-[:RETURNED]->(return)-[:RETURN_OF]->(declaration): only of an export
declaration of the same enterprise. Row: `{uscc, props: customs.return@1}`."""

UPSERT_ORDERS: Final = """
UNWIND $rows AS row
MATCH (e:Enterprise {uscc: row.uscc})
MERGE (n:Order {id: row.props.id})
SET n += row.props
MERGE (e)-[r:SOLD]->(n)
SET r.source = row.props.source, r.batch = row.props.batch
RETURN count(*) AS written
"""
"""Orders and (enterprise)-[:SOLD]->(order). Row: `{uscc, props: trade.order@1}`."""


def _provider_link(node: str, rel: str, key: str) -> str:
    """The clauses that link the document `node` to its provider, the enterprise whose USCC
    is `row.props.<key>`: a link to any other enterprise is removed, and none is made while
    the hub does not know the provider (`UPSERT_ENTERPRISES` makes it when it comes)."""
    return f"""WITH {node}, row
CALL ({node}, row) {{
  OPTIONAL MATCH (old:Enterprise)-[h:{rel}]->({node})
  WHERE row.props.{key} IS NULL OR old.uscc <> row.props.{key}
  DELETE h
}}
CALL ({node}, row) {{
  MATCH (p:Enterprise {{uscc: row.props.{key}}})
  MERGE (p)-[h:{rel}]->({node})
  SET h.source = row.props.source, h.batch = row.props.batch
}}"""


UPSERT_PAYMENTS: Final = f"""
UNWIND $rows AS row
MATCH (o:Order {{id: row.props.orderId}})
MERGE (n:Payment {{id: row.props.id}})
SET n += row.props
MERGE (n)-[r:PAYS]->(o)
SET r.source = row.props.source, r.batch = row.props.batch
{_provider_link("n", "HANDLED", "payFirmUscc")}
RETURN count(*) AS written
"""
"""Payment slips, (payment)-[:PAYS]->(order) and, when the payment firm is known by its USCC,
(firm)-[:HANDLED]->(payment). Row: `{props: trade.payment@1}`; the order is `props.orderId`.
A payment whose order the hub does not know is not written (the batch is refused); one whose
payment firm it does not know yet is written with `payFirmUscc` and linked when the registry
sends the firm (`UPSERT_ENTERPRISES`): the firm is named, not the subject of the payment."""

UPSERT_WAYBILLS: Final = f"""
UNWIND $rows AS row
MATCH (o:Order {{id: row.props.orderId}})
MERGE (n:Waybill {{id: row.props.id}})
SET n += row.props
MERGE (n)-[r:SHIPS]->(o)
SET r.source = row.props.source, r.batch = row.props.batch
{_provider_link("n", "CARRIED", "carrierUscc")}
RETURN count(*) AS written
"""
"""Waybills, (waybill)-[:SHIPS]->(order) and, when the carrier is known by its USCC,
(carrier)-[:CARRIED]->(waybill), linked later as a payment's firm is (`UPSERT_PAYMENTS`). Row:
`{props: logistics.waybill@1}`; the order is `props.orderId`."""

UPSERT_INVENTORIES: Final = """
UNWIND $rows AS row
MATCH (o:Order {id: row.props.orderId})
MERGE (n:InventoryList {id: row.props.id})
SET n += row.props
MERGE (n)-[r:DECLARES]->(o)
SET r.source = row.props.source, r.batch = row.props.batch
RETURN count(*) AS written
"""
"""Customs inventory lists and (list)-[:DECLARES]->(order). Row: `{props:
customs.inventory@1}`; the order is `props.orderId`."""

UPSERT_OVERSEAS_WAREHOUSES: Final = """
UNWIND $rows AS row
MATCH (e:Enterprise {uscc: row.uscc})
MERGE (n:OverseasWarehouse {id: row.props.id})
SET n += row.props
MERGE (e)-[r:OPERATES]->(n)
SET r += row.rel
RETURN count(*) AS written
"""
"""Overseas warehouses and (enterprise)-[:OPERATES]->(warehouse). Row: `{uscc, props:
commerce.overseas_warehouse@1, rel: {since, until, source, batch}}`."""

UPSERT_TAX_REFUNDS: Final = """
UNWIND $rows AS row
MATCH (e:Enterprise {uscc: row.uscc})
MERGE (n:TaxRefund {id: row.props.id})
SET n += row.props
MERGE (e)-[r:CLAIMED]->(n)
SET r.source = row.props.source, r.batch = row.props.batch
RETURN count(*) AS written
"""
"""Export tax refunds and (enterprise)-[:CLAIMED]->(refund). Row: `{uscc, props:
tax.refund@1}`."""

UPSERT_LOANS: Final = """
UNWIND $rows AS row
MATCH (e:Enterprise {uscc: row.uscc})
MERGE (n:Loan {id: row.props.id})
SET n += row.props
MERGE (e)-[r:BORROWED]->(n)
SET r.source = row.props.source, r.batch = row.props.batch
RETURN count(*) AS written
"""
"""Loans and (enterprise)-[:BORROWED]->(loan). Row: `{uscc, props: bank.loan@1}`."""

UPSERT_TRADE_PAYMENTS: Final = """
UNWIND $rows AS row
MATCH (payer:Enterprise {uscc: row.payer})
MATCH (payee:Enterprise {uscc: row.payee})
MERGE (n:TradePayment {id: row.props.id})
SET n += row.props
MERGE (payer)-[a:PAID]->(n)
SET a.source = row.props.source, a.batch = row.props.batch
MERGE (n)-[b:PAID_TO]->(payee)
SET b.source = row.props.source, b.batch = row.props.batch
RETURN count(*) AS written
"""
"""Enterprise-to-enterprise payments: (payer)-[:PAID]->(payment)-[:PAID_TO]->(payee). Row:
`{payer: uscc, payee: uscc, props: bank.trade_payment@1}`."""

UPSERT_EXPORT_RECEIPTS: Final = f"""
UNWIND $rows AS row
MATCH (e:Enterprise {{uscc: row.uscc}})
MERGE (n:ExportReceipt {{id: row.props.id}})
SET n += row.props
MERGE (e)-[r:RECEIVED]->(n)
SET r.source = row.props.source, r.batch = row.props.batch
{_provider_link("n", "HANDLED", "bankUscc")}
RETURN count(*) AS written
"""
"""Export proceeds received from abroad, (enterprise)-[:RECEIVED]->(receipt) and, when the
receiving bank is known by its USCC, (bank)-[:HANDLED]->(receipt), linked later as a payment's
firm is (`UPSERT_PAYMENTS`). Row: `{uscc, props: fx.export_receipt@1}`; the declaration or
order it settles stays a property (`declarationId`, `orderId`): the receipt may come before
the customs data does."""

UPSERT_SUPERVISED_PREMISES: Final = """
UNWIND $rows AS row
MATCH (e:Enterprise {uscc: row.props.operatorUscc})
MERGE (n:SupervisedPremises {id: row.props.id})
SET n += row.props
WITH e, n, row
CALL (e, n) {
  OPTIONAL MATCH (old:Enterprise)-[x:OPERATES_PREMISES]->(n)
  WHERE old <> e
  DELETE x
}
MERGE (e)-[r:OPERATES_PREMISES]->(n)
SET r.source = row.props.source, r.batch = row.props.batch
RETURN count(*) AS written
"""
"""Supervised premises and (operator)-[:OPERATES_PREMISES]->(premises); a premises whose
operator changed loses the link to the former one. Row: `{props: customs.premises@1}`; the
operator, `props.operatorUscc`, must be known (the premises is a fact about it)."""

UPSERTS: Final[dict[str, str]] = {
    "zones": UPSERT_ZONES,
    "industry_belts": UPSERT_INDUSTRY_BELTS,
    "departments": UPSERT_DEPARTMENTS,
    "enterprises": UPSERT_ENTERPRISES,
    "persons": UPSERT_PERSONS,
    "legal_representatives": UPSERT_LEGAL_REPRESENTATIVES,
    "officers": UPSERT_OFFICERS,
    "shareholdings": UPSERT_SHAREHOLDINGS,
    "addresses": UPSERT_ADDRESSES,
    "phones": UPSERT_PHONES,
    "filings": UPSERT_FILINGS,
    "penalties": UPSERT_PENALTIES,
    "list_entries": UPSERT_LIST_ENTRIES,
    "classifications": UPSERT_CLASSIFICATIONS,
    "declarations": UPSERT_DECLARATIONS,
    "returns": UPSERT_RETURNS,
    "orders": UPSERT_ORDERS,
    "payments": UPSERT_PAYMENTS,
    "waybills": UPSERT_WAYBILLS,
    "inventories": UPSERT_INVENTORIES,
    "overseas_warehouses": UPSERT_OVERSEAS_WAREHOUSES,
    "tax_refunds": UPSERT_TAX_REFUNDS,
    "loans": UPSERT_LOANS,
    "trade_payments": UPSERT_TRADE_PAYMENTS,
    "export_receipts": UPSERT_EXPORT_RECEIPTS,
    "supervised_premises": UPSERT_SUPERVISED_PREMISES,
}
"""The upsert statement of each fact kind, in dependency order: writing the kinds in this
order within one batch guarantees every endpoint a row refers to was written before it."""

WRITE_ORDER: Final[tuple[str, ...]] = tuple(UPSERTS)
"""The fact kinds in the order they must be written (see `UPSERTS`)."""

Target = AsyncDriver | AsyncManagedTransaction | AsyncTransaction
"""Where `write_rows` writes: a driver (one auto-committed managed transaction per call) or
an open transaction (the caller commits)."""


async def write_rows(
    target: Target,
    kind: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    database: str | None = None,
) -> int:
    """Upsert `rows` of fact kind `kind` (a key of `UPSERTS`) in one statement.

    Returns how many rows were written; a row whose endpoint is missing is skipped, so a
    smaller number than `len(rows)` means some rows referred to unknown keys. `database`
    applies when `target` is a driver; a transaction already has its database.
    """
    try:
        query = UPSERTS[kind]
    except KeyError:
        raise ValueError(f"unknown fact kind {kind!r}; expected one of {WRITE_ORDER}") from None
    return await run_rows(target, query, rows, database=database)


async def run_rows(
    target: Target,
    query: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    database: str | None = None,
) -> int:
    """Run one UNWIND statement over `rows` (its `$rows`); the statement returns `written`,
    how many rows it wrote. Nothing runs for no rows."""
    if not rows:
        return 0
    parameters = {"rows": list(rows)}
    if isinstance(target, AsyncDriver):
        records, _, _ = await target.execute_query(
            query, parameters_=parameters, database_=database
        )
        return int(records[0]["written"])
    result = await target.run(query, parameters)
    record = await result.single(strict=True)
    return int(record["written"])
