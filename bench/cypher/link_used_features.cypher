// Benchmark bulk load: a run USED the features it read. Each row is [source id, [target ids]]; the edge is dated when its
// later end was registered. Returns how many edges it created.
// params: rows
UNWIND $rows AS row
MATCH (run:Run {id: row[0]})
UNWIND row[1] AS target_id
MATCH (input:Feature {id: target_id})
CREATE (run)-[e:USED {created_at: CASE WHEN run.created_at >= input.created_at THEN run.created_at ELSE input.created_at END}]->(input)
RETURN count(e) AS created
