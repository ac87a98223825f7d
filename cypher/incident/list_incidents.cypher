// Incident ids, oldest first, optionally only those in $status, one page after the cursor $after
// ({created_at, id}) or from the start.
// params: status, after, limit
MATCH (i:Incident)
WHERE ($status IS NULL OR i.status = $status)
  AND ($after IS NULL OR i.created_at > $after.created_at
       OR (i.created_at = $after.created_at AND i.id > $after.id))
RETURN i.id AS id, i.created_at AS created_at
ORDER BY i.created_at, i.id
LIMIT $limit
