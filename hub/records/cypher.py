"""Every Cypher read of the shared records (declarations, returns, export receipts, tax refunds,
overseas warehouses, loans of enterprises), named and parameterised.

Each connection has two statements, each reading every enterprise of `$usccs` at once (a page
of enterprises asking a connection is one query, not one per enterprise; the enterprise a
USCC names is `e`, and one not found gives no row): its PAGE (one keyset page per enterprise,
newest first: the node's date descending, then its id descending; the records collected as
`nodes`, in that order) and its TOTALS (counts and sums over every record the filter matches,
not the page, as one map `totals`; every enterprise found gets one, zeros when nothing
matches). A filter parameter left null matches every record, so the same plan serves every
combination. The page statements take `$usccs`, `$after_on` and `$after_id` (both null on the
first page), `$limit` (per enterprise) and their filter's parameters; the totals statements
the same without the keyset ones. The texts are assembled here, once, from the fragments
below (fixed text, never a caller's string).
"""

from __future__ import annotations

from typing import Final

from graph_schema.predicates import export_receipt_of, tie_not_ended


def _between(node: str, prop: str, low: str, high: str) -> str:
    return (
        f"(${low} IS NULL OR {node}.{prop} >= ${low})"
        f" AND (${high} IS NULL OR {node}.{prop} <= ${high})"
    )


def _equal(node: str, prop: str, param: str) -> str:
    return f"(${param} IS NULL OR {node}.{prop} = ${param})"


def _after(node: str, dated: str) -> str:
    """The keyset: records strictly after the cursor's (date, id) in newest-first order."""
    return (
        f"($after_id IS NULL OR {node}.{dated} < $after_on"
        f" OR ({node}.{dated} = $after_on AND {node}.id < $after_id))"
    )


def _each(body: str, returned: str) -> str:
    """`body` (a subquery over `e`, returning `returned`) for every enterprise of `$usccs`."""
    return (
        "UNWIND $usccs AS uscc\nMATCH (e:Enterprise {uscc: uscc})\n"
        f"CALL (e) {{\n{body}\n}}\nRETURN uscc, {returned}"
    )


def _page(match: str, node: str, dated: str, where: str) -> str:
    return _each(
        f"{match}\nWHERE {where}\n  AND {_after(node, dated)}\n"
        f"WITH {node} ORDER BY {node}.{dated} DESC, {node}.id DESC LIMIT $limit\n"
        f"RETURN collect({node} {{.*}}) AS nodes",
        "nodes",
    )


def _sums(**columns: str) -> str:
    """The aggregates `columns` (name: expression) as one map `totals`: one row per
    enterprise, zeros included, since nothing groups them."""
    named = ", ".join(f"{expression} AS {name}" for name, expression in columns.items())
    fields = ", ".join(f"{name}: {name}" for name in columns)
    return f"WITH {named}\nRETURN {{{fields}}} AS totals"


def _totals(match: str, where: str, sums: str) -> str:
    return _each(f"{match}\nWHERE {where}\n{sums}", "totals")


def _by(node: str, key: str, amount: str) -> str:
    """Totals grouped by `key` (a status, a currency), then summed over the groups."""
    currency = key == "currency"
    return (
        f"WITH {node}.{key} AS key, count({node}) AS n, sum({node}.{amount}) AS cny"
        + (f", sum({node}.amount) AS amount" if currency else "")
        + "\nORDER BY key\n"
        + _sums(
            totalCount="sum(n)",
            totalAmountCny="sum(cny)",
            groups="collect({key: key, count: n, amountCny: cny"
            + (", amount: amount" if currency else "")
            + "})",
        )
    )


# --- declarations ------------------------------------------------------------------------------

_DECLARATIONS: Final = "MATCH (e)-[:DECLARED]->(d:Declaration)"
_DECLARATION_FILTER: Final = " AND ".join(
    (
        _between("d", "declaredOn", "declared_from", "declared_to"),
        _equal("d", "mode", "mode"),
        _equal("d", "direction", "direction"),
        _equal("d", "destination", "destination"),
        "($hs_code_prefix IS NULL OR d.hsCode STARTS WITH $hs_code_prefix)",
    )
)
DECLARATIONS_PAGE: Final = _page(_DECLARATIONS, "d", "declaredOn", _DECLARATION_FILTER)
DECLARATIONS_TOTALS: Final = _totals(
    _DECLARATIONS,
    _DECLARATION_FILTER,
    _sums(totalCount="count(d)", totalValueCny="sum(d.valueCny)"),
)

# --- returns -----------------------------------------------------------------------------------

_RETURNS: Final = "MATCH (e)-[:RETURNED]->(r:Return)"
_RETURN_FILTER: Final = (
    f"{_between('r', 'returnedOn', 'returned_from', 'returned_to')}"
    f" AND {_equal('r', 'declarationId', 'declaration_id')}"
)
RETURNS_PAGE: Final = _page(_RETURNS, "r", "returnedOn", _RETURN_FILTER)
RETURNS_TOTALS: Final = _totals(
    _RETURNS, _RETURN_FILTER, _sums(totalCount="count(r)", totalValueCny="sum(r.valueCny)")
)

# --- export proceeds received from abroad -----------------------------------------------------

_RECEIPTS: Final = f"MATCH {export_receipt_of('e', 'r')}"
# what a receipt settles: a declaration, an order, or nothing yet (an advance)
_SETTLES: Final = (
    "($settles IS NULL"
    " OR ($settles = 'DECLARATION' AND r.declarationId IS NOT NULL)"
    " OR ($settles = 'ORDER' AND r.orderId IS NOT NULL)"
    " OR ($settles = 'ADVANCE' AND r.declarationId IS NULL AND r.orderId IS NULL))"
)
_RECEIPT_FILTER: Final = " AND ".join(
    (
        _between("r", "receivedOn", "received_from", "received_to"),
        _equal("r", "currency", "currency"),
        _equal("r", "payerCountry", "payer_country"),
        _SETTLES,
    )
)
EXPORT_RECEIPTS_PAGE: Final = _page(_RECEIPTS, "r", "receivedOn", _RECEIPT_FILTER)
EXPORT_RECEIPTS_TOTALS: Final = _totals(
    _RECEIPTS, _RECEIPT_FILTER, _by("r", "currency", "amountCny")
)

# --- export tax refunds ------------------------------------------------------------------------

_REFUNDS: Final = "MATCH (e)-[:CLAIMED]->(t:TaxRefund)"
_REFUND_FILTER: Final = (
    f"{_between('t', 'claimedOn', 'claimed_from', 'claimed_to')}"
    f" AND {_equal('t', 'status', 'status')}"
)
TAX_REFUNDS_PAGE: Final = _page(_REFUNDS, "t", "claimedOn", _REFUND_FILTER)
TAX_REFUNDS_TOTALS: Final = _totals(_REFUNDS, _REFUND_FILTER, _by("t", "status", "amountCny"))

# --- overseas warehouses -----------------------------------------------------------------------

# ordered by id alone (a warehouse has no date of its own); `current`: the tie has not ended
_WAREHOUSES: Final = "MATCH (e)-[o:OPERATES]->(w:OverseasWarehouse)"
_WAREHOUSE_FILTER: Final = (
    f"{_equal('w', 'country', 'country')}"
    f" AND ($current IS NULL OR $current = ({tie_not_ended('o', '$today')}))"
)
OVERSEAS_WAREHOUSES_PAGE: Final = _each(
    f"{_WAREHOUSES}\nWHERE {_WAREHOUSE_FILTER}\n"
    "  AND ($after_id IS NULL OR w.id > $after_id)\n"
    "WITH w, o ORDER BY w.id LIMIT $limit\n"
    "RETURN collect(w {.*, since: o.since, until: o.until}) AS nodes",
    "nodes",
)
OVERSEAS_WAREHOUSES_TOTALS: Final = _totals(
    _WAREHOUSES,
    _WAREHOUSE_FILTER,
    _sums(totalCount="count(w)", totalStockCny="sum(w.stockValueCny)"),
)

# --- loans -------------------------------------------------------------------------------------

# $lender: a bank's or insurer's own institution (it reads only the loans it granted); null
# for a caller who reads every lender's
_LOANS: Final = "MATCH (e)-[:BORROWED]->(l:Loan)"
_LOAN_FILTER: Final = " AND ".join(
    (
        _equal("l", "lender", "lender"),
        _between("l", "grantedOn", "granted_from", "granted_to"),
        _equal("l", "status", "status"),
    )
)
LOANS_PAGE: Final = _page(_LOANS, "l", "grantedOn", _LOAN_FILTER)
LOANS_TOTALS: Final = _totals(_LOANS, _LOAN_FILTER, _by("l", "status", "amountCny"))
