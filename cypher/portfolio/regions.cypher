// Each account's region: the region of its headquarters unit (the portfolio's filters and map).
MATCH (a:Account)<-[:PART_OF]-(u:Unit)
WHERE u.kind = 'hq' AND u.region IS NOT NULL
RETURN a.id AS account_id, u.region AS region
ORDER BY account_id
