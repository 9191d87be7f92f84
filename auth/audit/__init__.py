"""The audit trail: who read or wrote which enterprises' data, hash-chained in the graph.

`events` (the audited event and its hash), `writer` (`AuditLog`: a read's record committed
before it is answered, grouped with concurrent requests'), `checkpoints` (the chain head signed
into files outside the graph) and `routes` (serving them), `chain` (`verify_chain`), `archive`
(old records moved to files, still verifiable) and `reads` (`audit_log`, `access_log_for`).
Import each from the module that defines it. The Cypher lives in `auth.cypher` (section "Audit
trail").
"""
