// Create or update Account nodes by id; every property is replaced by the row's
// value (null clears it). Rows whose id is null are skipped (see the LadybugDB
// adapter: it may add a typing row with a null id).
UNWIND $rows AS row
WITH row WHERE row.id IS NOT NULL
MERGE (n:Account {id: row.id})
SET n.name = row.name,
    n.tier = row.tier,
    n.industry = row.industry,
    n.parent_id = row.parent_id,
    n.strategic_fit = row.strategic_fit,
    n.annual_revenue = row.annual_revenue
