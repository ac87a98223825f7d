// Bulk import: creates one Deployment per row, its properties as given and its times (row.t) as epoch microseconds (as
// catalog.upsert_deployment and set_deployment_serving leave them); what it served is
// `bulk.link_serves`. Returns how many it created.
// params: rows
UNWIND $rows AS row
CREATE (n:Deployment)
SET n = row.props,
    n.created_at = datetime({epochSeconds: row.t[0] / 1000000, nanosecond: row.t[0] % 1000000 * 1000}),
    n.updated_at = datetime({epochSeconds: row.t[1] / 1000000, nanosecond: row.t[1] % 1000000 * 1000}),
    n.since = CASE WHEN row.t[2] IS NULL THEN null ELSE datetime({epochSeconds: row.t[2] / 1000000, nanosecond: row.t[2] % 1000000 * 1000}) END
RETURN count(n) AS created
