// Quarantines a start and everything downstream of it, in ONE traversal shaped like lineage.impact:
// the starts (a dataset version; a model version; or a dataset's versions created in
// [$window_from, $window_to)) and every node reached against the lineage arrows through the edges
// that hold now (open SERVES only), each once, at its nearest depth.
// Writes only when the answer is whole: some start exists, nothing lies beyond $max_depth and at
// most $budget nodes were reached; otherwise it writes nothing and the flags say why. Then:
// an (:Incident) with STARTED_AT to every start, AFFECTS {depth} to every reached node whose label is
// in $affected_kinds, ROLLBACK_NEEDED to every reached Deployment (they serve an affected model
// version), and `quarantined = true` on starts and reached nodes whose label is in $flagged_kinds.
// Returns the counts, the cut flags, the incident id (null when nothing was written) and the nodes
// whose flag this call turned on (for their audit entries).
// params: start_id, window_from, window_to, max_depth, budget, affected_kinds, flagged_kinds, id, reason, start_kind, start_key, start_ref, now, principal
CALL () {
  MATCH (s:DatasetVersion {id: $start_id}) RETURN s
  UNION
  MATCH (:Dataset {id: $start_id})<-[:VERSION_OF]-(s:DatasetVersion)
  WHERE s.created_at >= $window_from AND s.created_at < $window_to
  RETURN s
  UNION
  MATCH (s:ModelVersion {id: $start_id}) RETURN s
}
WITH collect(s) AS starts
CALL (starts) {
  UNWIND starts AS s
  // Downstream is against the arrows; a closed SERVES edge is history, not exposure.
  MATCH (s)<-[r:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|SERVES*1..26]-(n)
  WHERE all(rel IN r WHERE rel.until IS NULL)
  WITH n, min(size(r)) AS depth
  WHERE NOT n IN starts
  // Collected in here so that a window holding no version still answers its one row.
  RETURN collect({n: n, depth: depth}) AS reached
}
WITH starts, [x IN reached WHERE x.depth <= $max_depth] AS within, any(x IN reached WHERE x.depth > $max_depth) AS depth_cut
WITH starts, within, depth_cut, size(within) > $budget AS budget_cut
WITH starts, within, depth_cut, budget_cut, size(starts) > 0 AND NOT depth_cut AND NOT budget_cut AS whole
CALL (starts, within) {
  UNWIND within AS x
  WITH labels(x.n)[0] AS kind, count(*) AS count
  ORDER BY kind
  RETURN collect({kind: kind, count: count}) AS counts
}
OPTIONAL CALL (starts, within, whole) {
  WITH starts, within WHERE whole
  CREATE (i:Incident {id: $id, reason: $reason, status: 'OPEN', start_kind: $start_kind, start_key: $start_key,
                      start_ref: $start_ref, window_from: $window_from, window_to: $window_to,
                      opened_at: $now, opened_by: $principal, created_at: $now, updated_at: $now})
  WITH i, starts, within
  CALL (i, starts) {
    UNWIND starts AS s
    CREATE (i)-[:STARTED_AT]->(s)
  }
  CALL (i, within) {
    UNWIND within AS x
    WITH x WHERE labels(x.n)[0] IN $affected_kinds
    WITH x.n AS n, x.depth AS depth
    CREATE (i)-[:AFFECTS {depth: depth}]->(n)
  }
  CALL (i, within) {
    UNWIND within AS x
    WITH x.n AS d WHERE d:Deployment
    CREATE (i)-[:ROLLBACK_NEEDED]->(d)
  }
  CALL (starts, within) {
    UNWIND starts + [x IN within | x.n] AS n
    WITH n WHERE labels(n)[0] IN $flagged_kinds AND coalesce(n.quarantined, false) = false
    SET n.quarantined = true, n.updated_at = $now, n.updated_by = $principal
    RETURN collect(n {kind: labels(n)[0], .id, .namespace, .name, .version, .model_name}) AS flagged
  }
  RETURN i.id AS incident_id, flagged
}
RETURN size(starts) AS start_count, counts, depth_cut, budget_cut, incident_id, flagged
