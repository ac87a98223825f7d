// Records that a model version was derived (fine-tuned, distilled) from other model versions;
// idempotent (the edge keeps when it was first recorded, for `asOf`). Returns how many references matched a node.
// params: model_name, version, refs, now
MATCH (child:ModelVersion {model_name: $model_name, version: $version})
UNWIND $refs AS ref
MATCH (parent:ModelVersion {model_name: ref.model_name, version: ref.version})
WHERE parent <> child
MERGE (child)-[e:WAS_DERIVED_FROM]->(parent)
ON CREATE SET e.created_at = $now
RETURN count(parent) AS linked
