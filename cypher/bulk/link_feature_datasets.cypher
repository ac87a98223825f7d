// Bulk import: a feature WAS_DERIVED_FROM the datasets it is computed from, dated. Each row is [source id, [[target id, edge properties], …]] (the edges of one
// source grouped); both ends exist (the import checked every reference). Returns how many edges it
// created.
// params: rows
UNWIND $rows AS row
MATCH (source:Feature {id: row[0]})
UNWIND row[1] AS link
MATCH (target:Dataset {id: link[0]})
CREATE (source)-[e:WAS_DERIVED_FROM]->(target)
SET e = link[1]
RETURN count(e) AS created
