// The OPEN incident that quarantined exactly this start ($start_ref: the start's kind, id and
// window), if any: quarantining the same start again returns it instead of opening another.
// params: start_ref
MATCH (i:Incident {start_ref: $start_ref, status: 'OPEN'})
RETURN i.id AS id
ORDER BY i.opened_at
LIMIT 1
