// Neo4j 5 schema: a uniqueness constraint on every label's id (which also gives
// the index every MATCH/MERGE by id uses) and indexes on the account_id
// properties that the per-account reads filter on. Idempotent (IF NOT EXISTS).
CREATE CONSTRAINT account_id IF NOT EXISTS FOR (n:Account) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT unit_id IF NOT EXISTS FOR (n:Unit) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT contact_id IF NOT EXISTS FOR (n:Contact) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT rep_id IF NOT EXISTS FOR (n:Rep) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT bid_id IF NOT EXISTS FOR (n:Bid) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT activity_id IF NOT EXISTS FOR (n:Activity) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT agreement_id IF NOT EXISTS FOR (n:Agreement) REQUIRE n.id IS UNIQUE;
CREATE INDEX unit_account IF NOT EXISTS FOR (n:Unit) ON (n.account_id);
CREATE INDEX contact_account IF NOT EXISTS FOR (n:Contact) ON (n.account_id);
CREATE INDEX bid_account IF NOT EXISTS FOR (n:Bid) ON (n.account_id);
CREATE INDEX activity_account IF NOT EXISTS FOR (n:Activity) ON (n.account_id);
CREATE INDEX agreement_account IF NOT EXISTS FOR (n:Agreement) ON (n.account_id);
CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT audit_entry_id IF NOT EXISTS FOR (n:AuditEntry) REQUIRE n.id IS UNIQUE;
CREATE INDEX audit_entry_account IF NOT EXISTS FOR (n:AuditEntry) ON (n.account_id);
CREATE INDEX audit_entry_at IF NOT EXISTS FOR (n:AuditEntry) ON (n.at);
