// PART_OF edges of new units to their account: $rows (from, to).
// LadybugDB only (the bulk load path): COPY is not an upsert; re-copying a key that
// exists crashes the engine, so the adapter copies only rows it knows are new.
COPY PART_OF FROM $rows (from='Unit', to='Account')
