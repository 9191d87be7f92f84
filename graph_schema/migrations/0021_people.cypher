// People who sign in to the console: hub accounts, pending authorization requests, single-use
// authorization codes and refresh tokens (stored as SHA-256 digests, grouped by family).
CREATE CONSTRAINT account_username IF NOT EXISTS FOR (n:Account) REQUIRE n.username IS UNIQUE;
CREATE CONSTRAINT pending_authorization_digest IF NOT EXISTS FOR (n:PendingAuthorization) REQUIRE n.digest IS UNIQUE;
CREATE CONSTRAINT authorization_code_digest IF NOT EXISTS FOR (n:AuthorizationCode) REQUIRE n.digest IS UNIQUE;
CREATE CONSTRAINT refresh_token_digest IF NOT EXISTS FOR (n:RefreshToken) REQUIRE n.digest IS UNIQUE;
CREATE CONSTRAINT session_family_id IF NOT EXISTS FOR (n:SessionFamily) REQUIRE n.id IS UNIQUE;
CREATE INDEX pending_authorization_exp IF NOT EXISTS FOR (n:PendingAuthorization) ON (n.exp);
CREATE INDEX authorization_code_exp IF NOT EXISTS FOR (n:AuthorizationCode) ON (n.exp);
CREATE INDEX session_family_exp IF NOT EXISTS FOR (n:SessionFamily) ON (n.exp);
CREATE INDEX refresh_token_family IF NOT EXISTS FOR (n:RefreshToken) ON (n.family);
