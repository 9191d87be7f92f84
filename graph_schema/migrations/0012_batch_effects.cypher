// The effects an applied batch owes (its re-rating, its risk scan), recorded in the batch's
// transaction and drained by hub.effects: one node per effect by id; the drainers look for the
// ones not done, oldest first, and for one batch's effects.
CREATE CONSTRAINT owed_effect_id IF NOT EXISTS FOR (n:OwedEffect) REQUIRE n.id IS UNIQUE;
CREATE INDEX owed_effect_state IF NOT EXISTS FOR (n:OwedEffect) ON (n.state, n.createdAt);
CREATE INDEX owed_effect_batch IF NOT EXISTS FOR (n:OwedEffect) ON (n.batch);
