// Create or update Unit nodes by id; every property is replaced by the row's
// value (null clears it). Rows whose id is null are skipped (see the LadybugDB
// adapter: it may add a typing row with a null id).
UNWIND $rows AS row
WITH row WHERE row.id IS NOT NULL
MERGE (n:Unit {id: row.id})
SET n.account_id = row.account_id,
    n.name = row.name,
    n.kind = row.kind,
    n.parent_unit_id = row.parent_unit_id,
    n.region = row.region
