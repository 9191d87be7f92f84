// Returned goods of export declarations (customs.return@1): the business key.
CREATE CONSTRAINT return_id IF NOT EXISTS FOR (n:Return) REQUIRE n.id IS UNIQUE;
