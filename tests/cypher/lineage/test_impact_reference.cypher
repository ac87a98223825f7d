// For tests only: the impact statement as it stood before it was split into a lean count part and
// page-only paths (commit 73d9ac9, cypher/lineage/impact.cypher, unchanged below this header): the
// reference tests/lineage/test_impact_statements.py compares the service's statements with, and
// bench/impact.py profiles as "old".
// Everything downstream of a start (a dataset's versions, optionally within a time window; a
// dataset version; a feature; a run; a model version), as the graph stood at $as_of, in ONE
// traversal: Neo4j's pruning BFS expand visits each node once and yields its depth.
// Returns one row: counts by kind over the whole answer, the owning teams to notify, whether a
// guard rail cut it short (depth: something lies beyond $max_depth; budget: more than $budget
// nodes), and one page of items — production deployments first, then by kind and depth — each
// with one shortest explaining path whose every edge held at $as_of, as long as the item's depth.
// Nothing downstream is still one row (empty counts and items). Paths are computed for the page only.
// params: start_id, window_from, window_to, as_of, max_depth, budget, kinds, environment, offset, limit
CALL () {
  MATCH (s:DatasetVersion {id: $start_id}) RETURN s
  UNION
  MATCH (:Dataset {id: $start_id})<-[:VERSION_OF]-(s:DatasetVersion)
  WHERE ($window_from IS NULL OR s.created_at >= $window_from) AND ($window_to IS NULL OR s.created_at < $window_to)
    AND s.created_at <= $as_of
  RETURN s
  UNION
  MATCH (s:Feature {id: $start_id}) RETURN s
  UNION
  MATCH (s:Run {id: $start_id}) RETURN s
  UNION
  MATCH (s:ModelVersion {id: $start_id}) RETURN s
}
WITH collect(s) AS starts
CALL (starts) {
  UNWIND starts AS s
  // Downstream is against the arrows; edges are filtered to those that existed at $as_of.
  MATCH (s)<-[r:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|SERVES*1..26]-(n)
  WHERE all(rel IN r WHERE coalesce(rel.created_at, rel.since, $as_of) <= $as_of
                           AND (rel.until IS NULL OR rel.until > $as_of))
  WITH n, min(size(r)) AS depth
  WHERE NOT n IN starts
  // Nearest first, so a budget cut keeps the nearest. Collected in here: with nothing downstream
  // (or no start) the answer is still its one row.
  ORDER BY depth
  RETURN collect({n: n, depth: depth}) AS reached
}
WITH starts, [x IN reached WHERE x.depth <= $max_depth] AS within, any(x IN reached WHERE x.depth > $max_depth) AS depth_cut
// The models of affected model versions are affected too (one hop beside the traversal), one
// further than their nearest affected version, through which their path goes (`via`).
CALL (within) {
  UNWIND [x IN within WHERE x.n:ModelVersion] AS x
  WITH x.n AS version, x.depth AS depth
  MATCH (version)-[:VERSION_OF]->(m:Model)
  WITH m, version, depth
  ORDER BY depth, version.id
  WITH m, head(collect(version)) AS via, min(depth) + 1 AS depth
  RETURN collect({n: m, depth: depth, via: via}) AS models
}
WITH starts, within + models AS found, depth_cut
WITH starts, found[0..$budget] AS found, size(found) > $budget AS budget_cut, depth_cut
CALL (found) {
  UNWIND found AS x
  WITH labels(x.n)[0] AS kind, count(*) AS count
  ORDER BY kind
  RETURN collect({kind: kind, count: count}) AS counts
}
CALL (found) {
  UNWIND found AS x
  WITH x.n AS n
  OPTIONAL MATCH (n)-[:VERSION_OF|INSTANCE_OF]->(parent)
  WITH coalesce(n.owner, parent.owner) AS owner
  WHERE owner IS NOT NULL
  RETURN collect(DISTINCT owner) AS owners
}
WITH starts, found, budget_cut, depth_cut, counts, owners
CALL (found) {
  UNWIND found AS x
  WITH x, labels(x.n)[0] AS kind
  WHERE ($kinds IS NULL OR kind IN $kinds)
    AND ($environment IS NULL OR kind <> 'Deployment' OR x.n.environment = $environment)
  WITH x, kind,
       CASE kind WHEN 'Deployment' THEN CASE WHEN x.n.environment = 'production' THEN 0 ELSE 1 END
                 WHEN 'ModelVersion' THEN 2 WHEN 'Model' THEN 3 WHEN 'Run' THEN 4
                 WHEN 'Feature' THEN 5 ELSE 6 END AS rank
  ORDER BY rank, x.depth, x.n.id
  RETURN collect({n: x.n, kind: kind, depth: x.depth, via: x.via}) AS listed
}
WITH starts, budget_cut, depth_cut, counts, owners, size(listed) AS listed_count, listed[$offset..($offset + $limit)] AS page
CALL (starts, page) {
  UNWIND page AS item
  CALL (starts, item) {
    // Everything is explained by its shortest path from a start; a model, through its nearest
    // affected version and the VERSION_OF hop.
    WITH starts, item, CASE item.kind WHEN 'Model' THEN item.via ELSE item.n END AS target
    // Both ends bound: Neo4j searches between them instead of expanding the item's whole fan-in.
    // Every hop must hold at $as_of (the traversal's own predicate), so the path is one that
    // existed then, and the shortest from the nearest start is exactly the item's depth long.
    UNWIND starts AS s
    OPTIONAL MATCH p = ANY SHORTEST (s)(()<-[rel:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|SERVES]-()
                         WHERE coalesce(rel.created_at, rel.since, $as_of) <= $as_of
                           AND (rel.until IS NULL OR rel.until > $as_of)){1,26}(target)
    WITH item, p
    ORDER BY length(p)
    WITH item, head(collect(p)) AS path
    // Each step named as a person reads it: s3://raw/transactions@2026-03-08, clean_transactions run <id>.
    RETURN [x IN nodes(path) | {kind: labels(x)[0], id: x.id, name: CASE labels(x)[0]
              WHEN 'DatasetVersion' THEN x.namespace + '/' + x.name + '@' + x.version
              WHEN 'Run' THEN x.job_name + ' run ' + x.run_id
              WHEN 'ModelVersion' THEN x.model_name + ':' + x.version
              WHEN 'Deployment' THEN x.environment + '/' + x.name
              ELSE x.name END}]
             + CASE item.kind WHEN 'Model' THEN [{kind: 'Model', id: item.n.id, name: item.n.name}] ELSE [] END AS path_nodes,
           [rel IN relationships(path) | type(rel)] + CASE item.kind WHEN 'Model' THEN ['VERSION_OF'] ELSE [] END AS path_edges
  }
  // The node as a map, its datetimes as ISO text (decoding a DateTime costs the driver ~20x more).
  WITH item, item.n AS n, path_nodes, path_edges
  RETURN collect({kind: item.kind, node: n {.*, created_at: toString(n.created_at), updated_at: toString(n.updated_at), started_at: toString(n.started_at),
                   ended_at: toString(n.ended_at), state_at: toString(n.state_at), since: toString(n.since), artifact_verified_at: toString(n.artifact_verified_at)},
                  depth: item.depth, path_nodes: path_nodes, path_edges: path_edges}) AS items
}
RETURN size(starts) AS start_count, counts, owners, budget_cut, depth_cut, listed_count, items
