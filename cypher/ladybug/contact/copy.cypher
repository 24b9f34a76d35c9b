// Create Contact nodes from $rows, an Arrow table of new contacts.
// LadybugDB only (the bulk load path): COPY is not an upsert; re-copying a key that
// exists crashes the engine, so the adapter copies only rows it knows are new.
COPY Contact FROM $rows
