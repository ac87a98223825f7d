// Everything downstream of a start (a dataset's versions, optionally within a time window; a
// dataset version; a feature; a run; a model version), as the graph stood at $as_of, in ONE
// traversal: Neo4j's pruning BFS expand visits each node once and yields its depth.
// Returns one row: counts by kind over the whole answer, the owning teams to notify, whether a
// guard rail cut it short (depth: something lies beyond $max_depth; budget: more than $budget
// nodes), and one page of items — production deployments first, then by kind and depth — each
// with one shortest explaining path whose every edge held at $as_of, as long as the item's depth.
// Nothing downstream is still one row (empty counts and items).
// Only what the caller asks for is computed ($owners, $paths): owners (a pass over the whole
// answer) only when $owners; paths for the page only, and only when $paths is 'EDGES' (edge types)
// or 'NAMED' (also the nodes, each named); with 'NONE' the items' path lists are empty.
// params: start_id, window_from, window_to, as_of, max_depth, budget, kinds, environment, offset, limit, owners, paths
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
  // Downstream is against the arrows; edges are filtered to those that existed at $as_of. Only
  // SERVES edges are ever closed (`until`, set when a deployment switches), so only they pay for
  // reading it; lineage edges carry `created_at`, SERVES `since`.
  MATCH (s)<-[r:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|SERVES*1..26]-(n)
  WHERE all(rel IN r WHERE coalesce(rel.created_at, rel.since, $as_of) <= $as_of
                           AND (type(rel) <> 'SERVES' OR rel.until IS NULL OR rel.until > $as_of))
  WITH n, min(size(r)) AS depth
  WHERE NOT n IN starts
  // Grouped by depth: the levels of the BFS tree, which the page's paths are walked back through.
  // No level is empty below the deepest (a node's nearest predecessor on its shortest path is one
  // nearer and is not a start, or the node itself would be one hop from that start).
  WITH depth, collect(n) AS level
  ORDER BY depth
  RETURN collect(level) AS levels
}
// levels[k]: the nodes at depth k, the starts at 0. Nearest first, so a budget cut keeps the nearest.
WITH starts, [starts] + levels AS levels
WITH starts, levels, reduce(acc = [], k IN range(1, size(levels) - 1) | acc + [n IN levels[k] | {n: n, depth: k}]) AS reached
WITH starts, levels, [x IN reached WHERE x.depth <= $max_depth] AS within, any(x IN reached WHERE x.depth > $max_depth) AS depth_cut
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
WITH starts, levels, within + models AS found, depth_cut
// Each node's kind read once, for the counts, the filters and the order.
WITH starts, levels, [x IN found[0..$budget] | x {.*, kind: labels(x.n)[0]}] AS found, size(found) > $budget AS budget_cut, depth_cut
CALL (found) {
  UNWIND found AS x
  WITH x.kind AS kind, count(*) AS count
  ORDER BY kind
  RETURN collect({kind: kind, count: count}) AS counts
}
// An asset's owner, else its parent's (a version's dataset or model, a run's job): the parents
// are looked up once each, however many of their versions or runs were reached.
CALL (found) {
  WITH found WHERE $owners
  UNWIND found AS x
  WITH x.n AS n
  WITH n, n.owner AS own
  OPTIONAL CALL (n, own) {
    WITH n WHERE own IS NULL
    MATCH (n)-[:VERSION_OF|INSTANCE_OF]->(parent)
    RETURN parent
  }
  WITH DISTINCT own, parent
  WITH coalesce(own, parent.owner) AS owner
  WHERE owner IS NOT NULL
  RETURN collect(DISTINCT owner) AS owners
}
WITH starts, levels, found, budget_cut, depth_cut, counts, owners,
     [x IN found WHERE ($kinds IS NULL OR x.kind IN $kinds)
                   AND ($environment IS NULL OR x.kind <> 'Deployment' OR x.n.environment = $environment)] AS listed
CALL (listed) {
  UNWIND listed AS x
  WITH x, CASE x.kind WHEN 'Deployment' THEN CASE WHEN x.n.environment = 'production' THEN 0 ELSE 1 END
                      WHEN 'ModelVersion' THEN 2 WHEN 'Model' THEN 3 WHEN 'Run' THEN 4
                      WHEN 'Feature' THEN 5 ELSE 6 END AS rank
  ORDER BY rank, x.depth, x.n.id
  RETURN collect(x)[$offset..($offset + $limit)] AS page
}
WITH starts, levels, budget_cut, depth_cut, counts, owners, size(listed) AS listed_count, page
// Everything is explained by its shortest path from a start; a model, through its nearest affected
// version and the VERSION_OF hop. The path is walked back from the item through the BFS levels: from
// a node at depth k, any edge that held at $as_of (the traversal's own predicate) to a node at depth
// k - 1 — one exists by what depth means — until a start. So it is a path that existed then, exactly
// the item's depth long, and it costs the out-edges of the page's path nodes only; one shortest-path
// search per start (what this replaced) re-walked the whole downstream: 455k -> 302k db hits at 10^6.
CALL (levels, page) {
  UNWIND page AS item
  WITH levels, item, CASE item.kind WHEN 'Model' THEN item.via ELSE item.n END AS target,
       CASE item.kind WHEN 'Model' THEN item.depth - 1 ELSE item.depth END AS d
  WITH item, CASE WHEN $paths = 'NONE' THEN null ELSE
         reduce(c = {head: target, nodes: [target], rels: []}, k IN range(d - 1, 0, -1) |
         head([h IN [c.head] | head([(h)-[rel:USED|WAS_GENERATED_BY|WAS_DERIVED_FROM|SERVES]->(p)
               WHERE p IN levels[k] AND coalesce(rel.created_at, rel.since, $as_of) <= $as_of
                 AND (type(rel) <> 'SERVES' OR rel.until IS NULL OR rel.until > $as_of)
               | {head: p, nodes: [p] + c.nodes, rels: [rel] + c.rels}])])) END AS path
  // Each step named as a person reads it: s3://raw/transactions@2026-03-08, clean_transactions run <id>.
  WITH item, CASE WHEN $paths <> 'NAMED' THEN [] ELSE
         [x IN path.nodes | {kind: labels(x)[0], id: x.id, name: CASE labels(x)[0]
            WHEN 'DatasetVersion' THEN x.namespace + '/' + x.name + '@' + x.version
            WHEN 'Run' THEN x.job_name + ' run ' + x.run_id
            WHEN 'ModelVersion' THEN x.model_name + ':' + x.version
            WHEN 'Deployment' THEN x.environment + '/' + x.name
            ELSE x.name END}]
         + CASE item.kind WHEN 'Model' THEN [{kind: 'Model', id: item.n.id, name: item.n.name}] ELSE [] END END AS path_nodes,
       CASE WHEN $paths = 'NONE' THEN [] ELSE
         [rel IN path.rels | type(rel)] + CASE item.kind WHEN 'Model' THEN ['VERSION_OF'] ELSE [] END END AS path_edges
  // The node as a map, its datetimes as ISO text (decoding a DateTime costs the driver ~20x more).
  WITH item, item.n AS n, path_nodes, path_edges
  RETURN collect({kind: item.kind, node: n {.*, created_at: toString(n.created_at), updated_at: toString(n.updated_at), started_at: toString(n.started_at),
                   ended_at: toString(n.ended_at), state_at: toString(n.state_at), since: toString(n.since), artifact_verified_at: toString(n.artifact_verified_at)},
                  depth: item.depth, path_nodes: path_nodes, path_edges: path_edges}) AS items
}
RETURN size(starts) AS start_count, counts, owners, budget_cut, depth_cut, listed_count, items
