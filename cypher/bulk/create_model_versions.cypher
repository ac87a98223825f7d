// Bulk import: creates one ModelVersion per row, its properties exactly as given (as
// catalog.upsert_model_version stores them), with its VERSION_OF edge to its model (by id); its
// stage history is `bulk.link_stages`. Returns how many it created.
// params: rows
UNWIND $rows AS row
MATCH (model:Model {id: row.parent})
CREATE (n:ModelVersion)
SET n = row.props
CREATE (n)-[:VERSION_OF]->(model)
RETURN count(n) AS created
