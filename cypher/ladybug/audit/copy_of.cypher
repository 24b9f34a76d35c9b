// New AUDIT_OF edges from an Arrow table (from: entry id, to: subject); the bulk path's
// counterpart of audit/link. The entries are new, so the edges are too.
COPY AUDIT_OF FROM $rows
