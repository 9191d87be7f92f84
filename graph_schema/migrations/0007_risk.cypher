// Risk alerts: one node per finding (its id hashes the kind and evidence), linked to the
// enterprises it is about, browsed in id order.
CREATE CONSTRAINT risk_alert_id IF NOT EXISTS FOR (n:RiskAlert) REQUIRE n.id IS UNIQUE;
