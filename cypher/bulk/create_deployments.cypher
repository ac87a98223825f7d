// Bulk import: creates one Deployment per row, its properties exactly as given (as
// catalog.upsert_deployment and set_deployment_serving leave them); what it served is
// `bulk.link_serves`. Returns how many it created.
// params: rows
UNWIND $rows AS row
CREATE (n:Deployment)
SET n = row.props
RETURN count(n) AS created
