// LadybugDB schema: one node table per label, one rel table per type.
// Every statement is idempotent (IF NOT EXISTS); run at start-up by initialize().
CREATE NODE TABLE IF NOT EXISTS Account(id STRING PRIMARY KEY, name STRING, tier STRING, industry STRING, parent_id STRING, strategic_fit STRING, annual_revenue DOUBLE);
CREATE NODE TABLE IF NOT EXISTS Unit(id STRING PRIMARY KEY, account_id STRING, name STRING, kind STRING, parent_unit_id STRING, region STRING);
CREATE NODE TABLE IF NOT EXISTS Contact(id STRING PRIMARY KEY, account_id STRING, unit_id STRING, name STRING, title STRING, level STRING, email STRING);
CREATE NODE TABLE IF NOT EXISTS Rep(id STRING PRIMARY KEY, name STRING, role STRING, level STRING, active BOOLEAN, email STRING);
CREATE NODE TABLE IF NOT EXISTS Bid(id STRING PRIMARY KEY, account_id STRING, name STRING, stage STRING, tender_date DATE, value DOUBLE, currency STRING);
CREATE NODE TABLE IF NOT EXISTS Activity(id STRING PRIMARY KEY, date DATE, kind STRING, summary STRING, account_id STRING, bid_id STRING);
CREATE NODE TABLE IF NOT EXISTS Agreement(id STRING PRIMARY KEY, account_id STRING, kind STRING, signed DATE, expires DATE);
CREATE REL TABLE IF NOT EXISTS PART_OF(FROM Unit TO Account, FROM Unit TO Unit);
CREATE REL TABLE IF NOT EXISTS MEMBER_OF(FROM Contact TO Unit);
CREATE REL TABLE IF NOT EXISTS WORKS_AT(FROM Contact TO Account);
CREATE REL TABLE IF NOT EXISTS REPORTS_TO(FROM Contact TO Contact);
CREATE REL TABLE IF NOT EXISTS INFLUENCES(FROM Contact TO Contact, strength DOUBLE, kind STRING);
CREATE REL TABLE IF NOT EXISTS KNOWS(FROM Rep TO Contact, depth INT64, last_contact DATE, since DATE);
CREATE REL TABLE IF NOT EXISTS ON_TEAM(FROM Rep TO Account, role STRING);
CREATE REL TABLE IF NOT EXISTS ROLE_IN(FROM Contact TO Bid, role STRING, influence STRING, stance INT64);
CREATE REL TABLE IF NOT EXISTS `FOR`(FROM Bid TO Account, FROM Agreement TO Account);
CREATE REL TABLE IF NOT EXISTS ATTENDED(FROM Rep TO Activity, FROM Contact TO Activity);
