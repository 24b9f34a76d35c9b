// Every Account, in the import format's columns.
MATCH (n:Account)
RETURN n.id AS id,
       n.name AS name,
       n.tier AS tier,
       n.industry AS industry,
       n.parent_id AS parent_id,
       n.strategic_fit AS strategic_fit,
       n.annual_revenue AS annual_revenue
ORDER BY id
