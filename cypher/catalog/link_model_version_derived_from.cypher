// Records that a model version was derived (fine-tuned, distilled) from other model versions;
// idempotent. Returns how many references matched a node.
// params: model_name, version, refs
MATCH (child:ModelVersion {model_name: $model_name, version: $version})
UNWIND $refs AS ref
MATCH (parent:ModelVersion {model_name: ref.model_name, version: ref.version})
WHERE parent <> child
MERGE (child)-[:WAS_DERIVED_FROM]->(parent)
RETURN count(parent) AS linked
