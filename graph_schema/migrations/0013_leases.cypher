// Leases: the named jobs one hub process among several does (the date-driven re-rating), each
// taken under the node's write lock (unique, so two processes cannot create two leases);
// and the record of what a scheduled job last covered.
CREATE CONSTRAINT lease_name IF NOT EXISTS FOR (n:Lease) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT scheduled_run_name IF NOT EXISTS FOR (n:ScheduledRun) REQUIRE n.name IS UNIQUE;
// Mutexes (hub.mutex): one holder at a time, the write lock of a node held by an open
// transaction; unique, so two processes waiting for the first one cannot make two.
CREATE CONSTRAINT mutex_name IF NOT EXISTS FOR (n:Mutex) REQUIRE n.name IS UNIQUE;
