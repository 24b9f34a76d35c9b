// Delete every node and relationship (the demo recreates its own store with it).
MATCH (n)
DETACH DELETE n
