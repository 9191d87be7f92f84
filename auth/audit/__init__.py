"""The audit trail: who read or wrote which enterprises' data, hash-chained in the graph.

`events` (the audited event and its hash), `writer` (`AuditLog`: queued on the request path,
appended to the chain in the background), `chain` (`verify_chain`) and `reads` (`audit_log`,
`access_log_for`). Import each from the module that defines it. The Cypher lives in
`auth.cypher` (section "Audit trail").
"""
