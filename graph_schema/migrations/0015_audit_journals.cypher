// Each hub process's local audit journal: how far its entries are in the chain (`applied`),
// moved in the transaction that appends them, so a replayed entry is never appended twice.
CREATE CONSTRAINT audit_journal_id IF NOT EXISTS FOR (n:AuditJournal) REQUIRE n.id IS UNIQUE;
