// Releases an incident: status RELEASED with who, when and why, and `quarantined = false` on every
// node it started at or affects that no other OPEN incident covers. No-op (and `before` says so)
// when it is already released. Returns the incident, its status before, and the nodes whose flag
// this call turned off (for their audit entries). No row when the incident does not exist.
// params: id, note, now, principal
MATCH (i:Incident {id: $id})
WITH i, i.status AS before
CALL (i, before) {
  WITH i WHERE before = 'OPEN'
  SET i.status = 'RELEASED', i.released_at = $now, i.released_by = $principal, i.release_note = $note,
      i.updated_at = $now
  WITH i
  MATCH (i)-[:STARTED_AT|AFFECTS]->(n)
  WHERE n.quarantined = true
    AND NOT EXISTS { (n)<-[:STARTED_AT|AFFECTS]-(:Incident {status: 'OPEN'}) }
  WITH DISTINCT n
  SET n.quarantined = false, n.updated_at = $now, n.updated_by = $principal
  RETURN collect(n {kind: labels(n)[0], .id, .namespace, .name, .version, .model_name}) AS cleared
}
RETURN i {.*} AS incident, before, cleared
