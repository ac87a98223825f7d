// Bulk import: creates one DatasetVersion per row, its properties exactly as given (as
// catalog.upsert_dataset_version stores them), with its VERSION_OF edge to its dataset (by id).
// Returns how many it created.
// params: rows
UNWIND $rows AS row
MATCH (dataset:Dataset {id: row.parent})
CREATE (n:DatasetVersion)
SET n = row.props
CREATE (n)-[:VERSION_OF]->(dataset)
RETURN count(n) AS created
