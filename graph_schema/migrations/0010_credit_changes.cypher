// The change feed of ratings and list status: read in seq order by changesSince and the
// subscriptions, one enterprise's changes by uscc.
CREATE CONSTRAINT credit_change_seq IF NOT EXISTS FOR (n:CreditChange) REQUIRE n.seq IS UNIQUE;
CREATE INDEX credit_change_uscc IF NOT EXISTS FOR (n:CreditChange) ON (n.uscc);
