// The audit trail: hash-chained records (unique seq), the chain's head (the lock every writer
// takes), browsing by client and kind, and one access entry per enterprise a record touched, so an
// enterprise's access log is an index seek on (uscc, seq).
CREATE CONSTRAINT audit_record_seq IF NOT EXISTS FOR (n:AuditRecord) REQUIRE n.seq IS UNIQUE;
CREATE CONSTRAINT audit_head_id IF NOT EXISTS FOR (n:AuditHead) REQUIRE n.id IS UNIQUE;
CREATE INDEX audit_record_client_seq IF NOT EXISTS FOR (n:AuditRecord) ON (n.clientId, n.seq);
CREATE INDEX audit_record_kind_seq IF NOT EXISTS FOR (n:AuditRecord) ON (n.kind, n.seq);
CREATE INDEX audit_access_uscc_seq IF NOT EXISTS FOR (n:AuditAccess) ON (n.uscc, n.seq);
