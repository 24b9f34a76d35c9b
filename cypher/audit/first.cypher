// When the store's history begins: the time of its first audit entry (null when it has none).
MATCH (e:AuditEntry)
RETURN min(e.at) AS at
