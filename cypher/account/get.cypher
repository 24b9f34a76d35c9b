// Account records by id, in the import format's columns.
// $keys: maps of the key fields; one row per stored record, none for a missing one.
UNWIND $keys AS k
MATCH (n:Account {id: k.id})
RETURN n.id AS id,
       n.name AS name,
       n.tier AS tier,
       n.industry AS industry,
       n.parent_id AS parent_id,
       n.strategic_fit AS strategic_fit,
       n.annual_revenue AS annual_revenue
