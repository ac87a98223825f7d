// OpenLineage ingestion: the datasets a batch of events mentions, keyed by (namespace, name).
// Each facet's properties come from the latest event carrying that facet (ties broken by the
// facet's content hash), kept as ol_<facet>_at / ol_<facet>_hash beside them; the owning team
// follows the winning ownership facet.
// params: rows, principal
UNWIND $rows AS row
// Times travel as text: the driver packs a datetime parameter ~50x slower than a string.
WITH row, datetime(row.first_at) AS first_at, datetime(row.last_at) AS last_at
MERGE (n:Dataset {namespace: row.namespace, name: row.name})
ON CREATE SET n.id = row.id, n.created_at = first_at, n.created_by = $principal,
              n.updated_at = last_at, n.updated_by = $principal
SET n.created_at = CASE WHEN first_at < n.created_at THEN first_at ELSE n.created_at END,
    n.updated_at = CASE WHEN last_at > n.updated_at THEN last_at ELSE n.updated_at END
WITH n, row
CALL (n, row) {
  UNWIND row.facets AS facet
  WITH n, facet
  WHERE n[facet.time_key] IS NULL OR facet.at > n[facet.time_key]
     OR (facet.at = n[facet.time_key] AND facet.hash > n[facet.hash_key])
  SET n += facet.props
}
CALL (n) {
  OPTIONAL MATCH (n)-[old:OWNED_BY]->(previous:Team)
  WHERE n.owner IS NULL OR previous.name <> n.owner
  DELETE old
}
CALL (n) {
  MATCH (team:Team {name: n.owner})
  MERGE (n)-[:OWNED_BY]->(team)
}
