// The OAuth authorization server: registered clients, revoked access tokens, and the client
// assertions (RFC 7523 private_key_jwt) already used, so a replayed one is refused.
CREATE CONSTRAINT client_id IF NOT EXISTS FOR (n:Client) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT revoked_token_jti IF NOT EXISTS FOR (n:RevokedToken) REQUIRE n.jti IS UNIQUE;
CREATE CONSTRAINT used_assertion_key IF NOT EXISTS FOR (n:UsedAssertion) REQUIRE n.key IS UNIQUE;
CREATE INDEX revoked_token_exp IF NOT EXISTS FOR (n:RevokedToken) ON (n.exp);
CREATE INDEX used_assertion_exp IF NOT EXISTS FOR (n:UsedAssertion) ON (n.exp);
