// Benchmark bulk load: a fine-tuned model version WAS_DERIVED_FROM its base version. Each row is [source id, [target ids]]; the edge is dated when its
// later end was registered. Returns how many edges it created.
// params: rows
UNWIND $rows AS row
MATCH (child:ModelVersion {id: row[0]})
UNWIND row[1] AS target_id
MATCH (parent:ModelVersion {id: target_id})
CREATE (child)-[e:WAS_DERIVED_FROM {created_at: CASE WHEN child.created_at >= parent.created_at THEN child.created_at ELSE parent.created_at END}]->(parent)
RETURN count(e) AS created
