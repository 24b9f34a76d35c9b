// Create or update Agreement nodes by id; every property is replaced by the row's
// value (null clears it). Rows whose id is null are skipped (see the LadybugDB
// adapter: it may add a typing row with a null id).
UNWIND $rows AS row
WITH row WHERE row.id IS NOT NULL
MERGE (n:Agreement {id: row.id})
SET n.account_id = row.account_id,
    n.kind = row.kind,
    n.signed = row.signed,
    n.expires = row.expires
