// Create or update Activity nodes by id; every property is replaced by the row's
// value (null clears it). Rows whose id is null are skipped (see the LadybugDB
// adapter: it may add a typing row with a null id).
UNWIND $rows AS row
WITH row WHERE row.id IS NOT NULL
MERGE (n:Activity {id: row.id})
SET n.date = row.date,
    n.kind = row.kind,
    n.account_id = row.account_id,
    n.bid_id = row.bid_id,
    n.summary = row.summary
