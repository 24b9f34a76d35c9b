// Delete one Activity and every relationship attached to it.
MATCH (n:Activity {id: $id})
DETACH DELETE n
