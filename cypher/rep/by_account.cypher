// The reps that touch one account: on its team, knowing one of its contacts, or
// attending one of its activities.
MATCH (n:Rep)-[:ON_TEAM]->(:Account {id: $account_id})
RETURN n.id AS id,
       n.name AS name,
       n.role AS role,
       n.level AS level,
       n.active AS active,
       n.email AS email
UNION
MATCH (n:Rep)-[:KNOWS]->(:Contact {account_id: $account_id})
RETURN n.id AS id,
       n.name AS name,
       n.role AS role,
       n.level AS level,
       n.active AS active,
       n.email AS email
UNION
MATCH (n:Rep)-[:ATTENDED]->(:Activity {account_id: $account_id})
RETURN n.id AS id,
       n.name AS name,
       n.role AS role,
       n.level AS level,
       n.active AS active,
       n.email AS email
