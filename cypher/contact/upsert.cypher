// Create or update Contact nodes by id; every property is replaced by the row's
// value (null clears it). Rows whose id is null are skipped (see the LadybugDB
// adapter: it may add a typing row with a null id).
UNWIND $rows AS row
WITH row WHERE row.id IS NOT NULL
MERGE (n:Contact {id: row.id})
SET n.account_id = row.account_id,
    n.unit_id = row.unit_id,
    n.name = row.name,
    n.title = row.title,
    n.level = row.level,
    n.email = row.email
