// Indexes behind the enterprise list filters and the date-bounded fact queries.
CREATE INDEX enterprise_zone IF NOT EXISTS FOR (n:Enterprise) ON (n.zone);
CREATE INDEX enterprise_industry_belt IF NOT EXISTS FOR (n:Enterprise) ON (n.industryBelt);
CREATE INDEX enterprise_status IF NOT EXISTS FOR (n:Enterprise) ON (n.status);
CREATE TEXT INDEX enterprise_name_text IF NOT EXISTS FOR (n:Enterprise) ON (n.name);
CREATE INDEX declaration_declared_on IF NOT EXISTS FOR (n:Declaration) ON (n.declaredOn);
CREATE INDEX order_ordered_on IF NOT EXISTS FOR (n:Order) ON (n.orderedOn);
CREATE INDEX list_entry_list IF NOT EXISTS FOR (n:ListEntry) ON (n.list);
CREATE INDEX penalty_decided_on IF NOT EXISTS FOR (n:Penalty) ON (n.decidedOn);
