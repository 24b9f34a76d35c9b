// The accounts whose team the audit trail records a rep on (now or in the past): the
// key of a team member's entry is its account id, a slash and the rep id ($suffix: "/" + rep id).
MATCH (e:AuditEntry)
WHERE e.kind = 'team_member' AND e.key ENDS WITH $suffix
RETURN DISTINCT e.account_id AS account_id
