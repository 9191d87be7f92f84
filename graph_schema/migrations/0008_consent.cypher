// Consents an enterprise gives a bank or insurer: unique ids, and found by institution.
CREATE CONSTRAINT consent_id IF NOT EXISTS FOR (n:Consent) REQUIRE n.id IS UNIQUE;
CREATE INDEX consent_institution IF NOT EXISTS FOR (n:Consent) ON (n.institution);
