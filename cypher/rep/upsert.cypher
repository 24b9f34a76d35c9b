// Create or update Rep nodes by id; every property is replaced by the row's
// value (null clears it). Rows whose id is null are skipped (see the LadybugDB
// adapter: it may add a typing row with a null id).
UNWIND $rows AS row
WITH row WHERE row.id IS NOT NULL
MERGE (n:Rep {id: row.id})
SET n.name = row.name,
    n.role = row.role,
    n.level = row.level,
    n.active = row.active,
    n.email = row.email
