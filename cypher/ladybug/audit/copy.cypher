// Append audit entries from an Arrow table (columns in schema order: see
// graphcrm.audit.AUDIT_COLUMNS); the bulk path's counterpart of audit/append.
COPY AuditEntry FROM $rows
