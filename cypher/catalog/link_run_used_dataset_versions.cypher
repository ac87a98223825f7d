// Records that the run used these dataset versions; idempotent (the edge keeps when it was first recorded, for `asOf`). Returns how many references matched a node.
// params: run_id, refs, now
MATCH (r:Run {run_id: $run_id})
UNWIND $refs AS ref
MATCH (x:DatasetVersion {namespace: ref.namespace, name: ref.name, version: ref.version})
MERGE (r)-[e:USED]->(x)
ON CREATE SET e.created_at = $now
RETURN count(x) AS linked
