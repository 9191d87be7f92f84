"""An enterprise's orders and their three documents, read side: each order with its customs
inventory list, payment and waybill and whether they match it, by the one rule the rating and
the risk scan use (`graph_schema.predicates.document_mismatch`). Cypher in `cypher.py`, reads
in `reads.py`. May import `graph_schema`, `hub.credit` (the wording of unmatched reasons) and
`hub.repository`; never `hub.api`."""
