// New KNOWS edges: $rows (from, to, depth, last_contact, since).
// LadybugDB only (the bulk load path): COPY is not an upsert; re-copying a key that
// exists crashes the engine, so the adapter copies only rows it knows are new.
COPY KNOWS FROM $rows
