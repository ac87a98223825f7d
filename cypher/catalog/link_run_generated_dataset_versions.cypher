// Records that these dataset versions were written by the run; idempotent. Returns how many references matched a node.
// params: run_id, refs
MATCH (r:Run {run_id: $run_id})
UNWIND $refs AS ref
MATCH (x:DatasetVersion {namespace: ref.namespace, name: ref.name, version: ref.version})
MERGE (x)-[:WAS_GENERATED_BY]->(r)
RETURN count(x) AS linked
