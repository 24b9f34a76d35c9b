// FOR edges of new bids to their account: $rows (from, to).
// LadybugDB only (the bulk load path): COPY is not an upsert; re-copying a key that
// exists crashes the engine, so the adapter copies only rows it knows are new.
COPY `FOR` FROM $rows (from='Bid', to='Account')
