// Benchmark bulk load: a model version WAS_GENERATED_BY the run that trained it. Each row is [source id, [target ids]]; the edge is dated when its
// later end was registered. Returns how many edges it created.
// params: rows
UNWIND $rows AS row
MATCH (output:ModelVersion {id: row[0]})
UNWIND row[1] AS target_id
MATCH (run:Run {id: target_id})
CREATE (output)-[e:WAS_GENERATED_BY {created_at: CASE WHEN output.created_at >= run.created_at THEN output.created_at ELSE run.created_at END}]->(run)
RETURN count(e) AS created
