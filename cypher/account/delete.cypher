// Delete one Account and every relationship attached to it.
MATCH (n:Account {id: $id})
DETACH DELETE n
