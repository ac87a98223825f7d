// Bulk import: a model version WAS_DERIVED_FROM the versions it was fine-tuned or distilled from, dated. Each row is [source id, [[target id, edge properties], …]] (the edges of one
// source grouped); both ends exist (the import checked every reference). Returns how many edges it
// created.
// params: rows
UNWIND $rows AS row
MATCH (source:ModelVersion {id: row[0]})
UNWIND row[1] AS link
MATCH (target:ModelVersion {id: link[0]})
CREATE (source)-[e:WAS_DERIVED_FROM]->(target)
SET e = link[1]
RETURN count(e) AS created
