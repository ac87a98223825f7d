// Benchmark bulk load: a feature WAS_DERIVED_FROM the dataset versions it was materialised from. Each row is [source id, [target ids]]; the edge is dated when its
// later end was registered. Returns how many edges it created.
// params: rows
UNWIND $rows AS row
MATCH (feature:Feature {id: row[0]})
UNWIND row[1] AS target_id
MATCH (source:DatasetVersion {id: target_id})
CREATE (feature)-[e:WAS_DERIVED_FROM {created_at: CASE WHEN feature.created_at >= source.created_at THEN feature.created_at ELSE source.created_at END}]->(source)
RETURN count(e) AS created
