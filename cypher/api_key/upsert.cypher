// Create or update API keys by id (only the hash of the secret is stored).
UNWIND $rows AS row
WITH row WHERE row.id IS NOT NULL
MERGE (n:ApiKey {id: row.id})
SET n.name = row.name,
    n.role = row.role,
    n.rep_id = row.rep_id,
    n.hash = row.hash,
    n.created = row.created,
    n.revoked = row.revoked
