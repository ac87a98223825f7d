// Records that the run used these model versions (a base model for fine-tuning); idempotent. Returns how many references matched a node.
// params: run_id, refs
MATCH (r:Run {run_id: $run_id})
UNWIND $refs AS ref
MATCH (x:ModelVersion {model_name: ref.model_name, version: ref.version})
MERGE (r)-[:USED]->(x)
RETURN count(x) AS linked
