// The audit chain's archive anchor: where the chain continues in the graph after its oldest
// records were archived to files (`hub audit archive`); unique, so there is only one.
CREATE CONSTRAINT audit_anchor_id IF NOT EXISTS FOR (n:AuditAnchor) REQUIRE n.id IS UNIQUE;
