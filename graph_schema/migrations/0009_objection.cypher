// Objections an enterprise files against its penalties, list entries and classifications.
// `openFor` ("Label:id" of the record) is set only while the objection is pending, so the
// constraint allows one open objection per record and any number of resolved ones.
CREATE CONSTRAINT objection_id IF NOT EXISTS FOR (n:Objection) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT objection_open IF NOT EXISTS FOR (n:Objection) REQUIRE n.openFor IS UNIQUE;
CREATE INDEX objection_record IF NOT EXISTS FOR (n:Objection) ON (n.recordId);
