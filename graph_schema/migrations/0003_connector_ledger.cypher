// The connector registry and the batch ledger: who may send, with which keys, and what came in.
CREATE CONSTRAINT connector_id IF NOT EXISTS FOR (n:Connector) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT signing_key_kid IF NOT EXISTS FOR (n:SigningKey) REQUIRE n.kid IS UNIQUE;
CREATE CONSTRAINT batch_id IF NOT EXISTS FOR (n:Batch) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT batch_rejection_id IF NOT EXISTS FOR (n:BatchRejection) REQUIRE n.id IS UNIQUE;
CREATE INDEX batch_rejection_connector IF NOT EXISTS FOR (n:BatchRejection) ON (n.connector);
