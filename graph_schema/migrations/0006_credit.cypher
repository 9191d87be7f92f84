// Stored ratings (current and history) and the consolidated joint-punishment and incentive
// lists: a coverage row per subject a cause covers, browsed by kind in id order (keyset).
CREATE CONSTRAINT rating_id IF NOT EXISTS FOR (n:Rating) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT list_coverage_id IF NOT EXISTS FOR (n:ListCoverage) REQUIRE n.id IS UNIQUE;
CREATE INDEX list_coverage_kind_id IF NOT EXISTS FOR (n:ListCoverage) ON (n.kind, n.id);
CREATE INDEX enterprise_credit_grade IF NOT EXISTS FOR (n:Enterprise) ON (n.creditGrade);
