// Records that these model versions were produced by the run; idempotent (the edge keeps when it was first recorded, for `asOf`). Returns how many references matched a node.
// params: run_id, refs, now
MATCH (r:Run {run_id: $run_id})
UNWIND $refs AS ref
MATCH (x:ModelVersion {model_name: ref.model_name, version: ref.version})
MERGE (x)-[e:WAS_GENERATED_BY]->(r)
ON CREATE SET e.created_at = $now
RETURN count(x) AS linked
