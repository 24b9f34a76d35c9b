// Fold the write-ahead log into the data file (LadybugDB). The bulk path runs it
// before and after a write with COPY statements (see graphcrm/store/ladybug.py).
CHECKPOINT
