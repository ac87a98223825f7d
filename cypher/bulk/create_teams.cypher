// Bulk import: creates one Team per row, its properties exactly as given (app/bulk/inputs.py built
// them as catalog.upsert_team stores them). CREATE, not MERGE: the import refused duplicates, and
// the uniqueness constraints still check every key. Returns how many it created.
// params: rows
UNWIND $rows AS row
CREATE (n:Team)
SET n = row.props
RETURN count(n) AS created
