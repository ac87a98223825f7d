// Model versions, oldest first, one page after the cursor $after ({created_at, id}) or from the start.
// $filter holds the optional filters; an absent one does not filter.
// params: filter, after, limit
MATCH (n:ModelVersion)
WHERE ($filter.created_after IS NULL OR n.created_at >= $filter.created_after)
  AND ($filter.created_before IS NULL OR n.created_at < $filter.created_before)
  AND ($filter.model_name IS NULL OR n.model_name = $filter.model_name)
  AND ($filter.stage IS NULL OR n.stage = $filter.stage)
  AND ($filter.license IS NULL OR n.license = $filter.license)
  AND ($filter.tag IS NULL OR $filter.tag IN n.tags)
  AND ($after IS NULL OR n.created_at > $after.created_at
       OR (n.created_at = $after.created_at AND n.id > $after.id))
RETURN n {.*} AS node
ORDER BY n.created_at, n.id
LIMIT $limit
