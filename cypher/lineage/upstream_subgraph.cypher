// The lineage subgraph upstream (along the arrows) of any catalog node, to $depth hops (at most 25), as the
// graph stood at $as_of, for UI exploration: one traversal (pruning BFS), then the typed edges
// among the nodes found. One row: nodes with their label and depth, edges, and whether the
// depth or $budget cut it short. No row when no node has the id.
// params: start_id, depth, as_of, budget
CALL () {
  MATCH (s:Dataset {id: $start_id}) RETURN s
  UNION MATCH (s:DatasetVersion {id: $start_id}) RETURN s
  UNION MATCH (s:Feature {id: $start_id}) RETURN s
  UNION MATCH (s:Job {id: $start_id}) RETURN s
  UNION MATCH (s:Run {id: $start_id}) RETURN s
  UNION MATCH (s:Model {id: $start_id}) RETURN s
  UNION MATCH (s:ModelVersion {id: $start_id}) RETURN s
  UNION MATCH (s:Deployment {id: $start_id}) RETURN s
}
OPTIONAL MATCH (s)-[r:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|SERVES|VERSION_OF*1..26]->(n)
WHERE all(rel IN r WHERE coalesce(rel.created_at, rel.since, $as_of) <= $as_of
                         AND (rel.until IS NULL OR rel.until > $as_of))
  AND n <> s  // lineage recorded in a loop (A fine-tuned from B from A) must not list the start twice
WITH s, n, min(size(r)) AS depth
ORDER BY depth
WITH s, collect({n: n, depth: depth}) AS reached
WITH s, [x IN reached WHERE x.depth <= $depth] AS within, any(x IN reached WHERE x.depth > $depth) AS depth_cut
WITH s, [{n: s, depth: 0}] + within[0..$budget] AS found, size(within) > $budget AS budget_cut, depth_cut
WITH [x IN found | x.n] AS members, found, budget_cut, depth_cut
CALL (members) {
  UNWIND members AS a
  MATCH (a)-[rel:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|SERVES|VERSION_OF]->(b)
  WHERE b IN members
    AND coalesce(rel.created_at, rel.since, $as_of) <= $as_of AND (rel.until IS NULL OR rel.until > $as_of)
  RETURN collect({source: a.id, type: type(rel), target: b.id}) AS edges
}
// Each node as a map, its datetimes as ISO text (decoding a DateTime costs the driver ~20x more);
// a map projection wants a variable, hence the one-element list.
RETURN [x IN found | head([n IN [x.n] | {kind: labels(n)[0], depth: x.depth, node: n {.*, created_at: toString(n.created_at), updated_at: toString(n.updated_at), started_at: toString(n.started_at),
          ended_at: toString(n.ended_at), state_at: toString(n.state_at), since: toString(n.since), artifact_verified_at: toString(n.artifact_verified_at)}}])] AS nodes,
       edges, budget_cut, depth_cut
