// Benchmark bulk load: what each deployment served, with history. Each row is [deployment id,
// model version id, since, until] (epoch milliseconds); `until` is null for the version served
// now, and the property is then absent, as `catalog.set_deployment_serving` leaves it.
// Returns how many edges it created.
// params: rows
UNWIND $rows AS row
MATCH (deployment:Deployment {id: row[0]})
MATCH (version:ModelVersion {id: row[1]})
CREATE (deployment)-[e:SERVES {since: datetime({epochMillis: row[2]}), by: deployment.created_by}]->(version)
SET e.until = CASE WHEN row[3] IS NOT NULL THEN datetime({epochMillis: row[3]}) END
RETURN count(e) AS created
