// Records that the run used these dataset versions; idempotent. Returns how many references matched a node.
// params: run_id, refs
MATCH (r:Run {run_id: $run_id})
UNWIND $refs AS ref
MATCH (x:DatasetVersion {namespace: ref.namespace, name: ref.name, version: ref.version})
MERGE (r)-[:USED]->(x)
RETURN count(x) AS linked
