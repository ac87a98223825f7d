// Bulk import: creates one Team per row, its properties as given and its times (row.t) as epoch microseconds (app/bulk/inputs.py built
// them as catalog.upsert_team stores them). CREATE, not MERGE: the import refused duplicates, and
// the uniqueness constraints still check every key. Returns how many it created.
// params: rows
UNWIND $rows AS row
CREATE (n:Team)
SET n = row.props,
    n.created_at = datetime({epochSeconds: row.t[0] / 1000000, nanosecond: row.t[0] % 1000000 * 1000}),
    n.updated_at = datetime({epochSeconds: row.t[1] / 1000000, nanosecond: row.t[1] % 1000000 * 1000})
RETURN count(n) AS created
