// Model versions to look up by key, in a stable random-ish order (by id, a UUID).
// params: limit
MATCH (v:ModelVersion)
RETURN v.model_name AS model, v.version AS version
ORDER BY v.id
LIMIT $limit
