// The change feed of ratings and list status: read in seq order by changesSince and the
// subscriptions, one enterprise's changes by uscc; the head is the lock every writer takes
// (unique, so two writers appending the very first changes cannot create two heads).
CREATE CONSTRAINT credit_change_seq IF NOT EXISTS FOR (n:CreditChange) REQUIRE n.seq IS UNIQUE;
CREATE CONSTRAINT change_head_id IF NOT EXISTS FOR (n:ChangeHead) REQUIRE n.id IS UNIQUE;
CREATE INDEX credit_change_uscc IF NOT EXISTS FOR (n:CreditChange) ON (n.uscc);
