// Records that a model version was derived (fine-tuned, distilled) from other model versions;
// idempotent. The edge is dated $at, when the link happened; recorded again with an earlier time it
// moves back to that time (the earliest report wins, so the order reports arrive in does not matter
// for `asOf`). Returns how many references matched a node and how many links this call added or dated
// earlier.
// params: model_name, version, refs, at
MATCH (child:ModelVersion {model_name: $model_name, version: $version})
UNWIND $refs AS ref
MATCH (parent:ModelVersion {model_name: ref.model_name, version: ref.version})
WHERE parent <> child
OPTIONAL MATCH (child)-[known:WAS_DERIVED_FROM]->(parent)
WITH child, parent, known IS NULL OR known.created_at IS NULL OR known.created_at > $at AS adds
MERGE (child)-[e:WAS_DERIVED_FROM]->(parent)
WITH parent, e, adds
CALL (e, adds) {
  WITH e WHERE adds
  SET e.created_at = $at
}
RETURN count(parent) AS linked, count(CASE WHEN adds THEN 1 END) AS added
