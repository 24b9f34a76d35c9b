// New ROLE_IN edges: $rows (from, to, role, influence, stance).
// LadybugDB only (the bulk load path): COPY is not an upsert; re-copying a key that
// exists crashes the engine, so the adapter copies only rows it knows are new.
COPY ROLE_IN FROM $rows
