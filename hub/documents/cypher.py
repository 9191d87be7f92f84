"""Every Cypher read of an enterprise's orders and their three documents, named and
parameterised.

Each statement reads every enterprise of `$usccs` at once (the enterprises of a page of
enterprises asking the same page of orders are one query, not one each; one not found or not
visible gives no row). A page is the orders of each enterprise's page (`orders`, newest
first), each with its customs inventory list, payment and waybill as of `$today` and the
reason they do not match (`graph_schema.predicates.order_documents` and `document_mismatch`,
the fragments the rating and the risk scan judge orders by), so no query runs per order. The
only text composed is the caller's visibility predicate, one of `auth.policy`'s fixed
fragments over `e`; every value, filter and cursor travels as a parameter.

Filters (null: not applied): `$from`, `$to` (order dates, inclusive), `$direction`,
`$platform` (the order's `ebpCode`), `$counterpart` (lower case, contained in the consignee's
or buyer's name in any case), `$matched` (true: only orders whose documents match; false:
only those that do not). Keyset: newest first, by (`orderedOn`, `id`) descending, after
(`$after_on`, `$after_id`).
"""

from __future__ import annotations

from functools import cache
from typing import Final

from graph_schema.predicates import document_mismatch, order_documents

_EACH: Final = """
UNWIND $usccs AS uscc
MATCH (e:Enterprise {{uscc: uscc}}) WHERE {visible}
CALL (e) {{"""

_FILTERED: Final = """
MATCH (e)-[:SOLD]->(o:Order)
WHERE ($from IS NULL OR o.orderedOn >= $from) AND ($to IS NULL OR o.orderedOn <= $to)
  AND ($direction IS NULL OR o.direction = $direction)
  AND ($platform IS NULL OR o.ebpCode = $platform)
  AND ($counterpart IS NULL OR toLower(o.consigneeName) CONTAINS $counterpart
       OR toLower(o.buyerName) CONTAINS $counterpart)"""

_AFTER: Final = """
  AND ($after_on IS NULL OR o.orderedOn < $after_on
       OR (o.orderedOn = $after_on AND o.id < $after_id))"""

_DOCUMENTS: Final = order_documents("o", "$today")
_REASON: Final = document_mismatch("o")
_MATCHED: Final = "($matched IS NULL OR $matched = (reason IS NULL))"

_RETURN: Final = """
WITH o, inv, pay, w, reason ORDER BY o.orderedOn DESC, o.id DESC
RETURN collect(o {.*, inventoryList: inv {.*}, payment: pay {.*}, waybill: w {.*},
                  reason: reason}) AS orders
}
RETURN uscc, orders"""


@cache
def order_page(visible: str) -> str:
    """A page of orders without a match filter: the page is cut first, then only its orders'
    documents are read and judged."""
    return (
        _EACH.format(visible=visible)
        + _FILTERED
        + _AFTER
        + "\nWITH o ORDER BY o.orderedOn DESC, o.id DESC LIMIT $limit\n"
        + _DOCUMENTS
        + f"\nWITH o, inv, pay, w, {_REASON} AS reason"
        + _RETURN
    )


@cache
def order_page_by_match(visible: str) -> str:
    """A page of orders filtered by whether their documents match: every candidate order is
    judged before the page is cut."""
    return (
        _EACH.format(visible=visible)
        + _FILTERED
        + _AFTER
        + "\n"
        + _DOCUMENTS
        + f"\nWITH o, inv, pay, w, {_REASON} AS reason\nWHERE {_MATCHED}"
        + "\nWITH o, inv, pay, w, reason ORDER BY o.orderedOn DESC, o.id DESC LIMIT $limit"
        + _RETURN
    )


@cache
def order_totals(visible: str) -> str:
    """The orders the filter selects over all pages, grouped by the reason their documents do
    not match (null: they match): how many, and their goods value (`groups`, empty when none)."""
    return (
        _EACH.format(visible=visible)
        + _FILTERED
        + "\n"
        + _DOCUMENTS
        + f"\nWITH o, {_REASON} AS reason\nWHERE {_MATCHED}"
        + "\nWITH reason, count(o) AS orders, sum(o.goodsCny) AS goodsCny"
        + "\nRETURN collect({reason: reason, orders: orders, goodsCny: goodsCny}) AS groups"
        + "\n}\nRETURN uscc, groups"
    )


__all__ = ["order_page", "order_page_by_match", "order_totals"]
