// Everything upstream of a model version or a deployment, to the raw sources, as the graph
// stood at $as_of, in one traversal (pruning BFS: each node once). Returns one row: the
// subgraph's nodes (with their label, and for datasets whether a run produced them), its typed edges, the datasets of every upstream dataset
// version (they carry license and privacy class), and whether $budget cut it short.
// params: start_id, as_of, budget
CALL () {
  MATCH (s:ModelVersion {id: $start_id}) RETURN s
  UNION
  MATCH (s:Deployment {id: $start_id}) RETURN s
}
// Upstream is along the arrows; edges are filtered to those that existed at $as_of.
OPTIONAL MATCH (s)-[r:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|SERVES*1..50]->(n)
WHERE all(rel IN r WHERE coalesce(rel.created_at, rel.since, $as_of) <= $as_of
                         AND (rel.until IS NULL OR rel.until > $as_of))
  AND n <> s  // lineage recorded in a loop (A fine-tuned from B from A) must not list the start twice
WITH s, n, min(size(r)) AS depth
ORDER BY depth
WITH s, collect(n) AS upstream
WITH s, [s] + upstream[0..$budget] AS members, size(upstream) > $budget AS budget_cut
CALL (members) {
  UNWIND members AS v
  MATCH (v:DatasetVersion)-[:VERSION_OF]->(d:Dataset)
  RETURN collect(DISTINCT d) AS datasets
}
WITH members + [d IN datasets WHERE NOT d IN members] AS members, budget_cut
CALL (members) {
  UNWIND members AS a
  MATCH (a)-[rel:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|SERVES|VERSION_OF]->(b)
  WHERE b IN members
    AND coalesce(rel.created_at, rel.since, $as_of) <= $as_of AND (rel.until IS NULL OR rel.until > $as_of)
  RETURN collect({source: a.id, type: type(rel), target: b.id}) AS edges
}
// A dataset is produced when a recorded run had written one of its versions by $as_of; the others are raw sources.
// Each node as a map, its datetimes as ISO text (decoding a DateTime costs the driver ~20x more).
RETURN [m IN members | {kind: labels(m)[0], node: m {.*, created_at: toString(m.created_at), updated_at: toString(m.updated_at), started_at: toString(m.started_at),
                         ended_at: toString(m.ended_at), state_at: toString(m.state_at), since: toString(m.since), artifact_verified_at: toString(m.artifact_verified_at)},
        produced: CASE WHEN m:Dataset THEN EXISTS { (m)<-[:VERSION_OF]-(:DatasetVersion)-[g:WAS_GENERATED_BY]->(:Run)
                                                    WHERE coalesce(g.created_at, $as_of) <= $as_of } END}] AS nodes,
       edges, budget_cut
