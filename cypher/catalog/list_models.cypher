// Models, oldest first, one page after the cursor $after ({created_at, id}) or from the start.
// $filter holds the optional filters; an absent one does not filter.
// params: filter, after, limit
MATCH (n:Model)
WHERE ($filter.created_after IS NULL OR n.created_at >= $filter.created_after)
  AND ($filter.created_before IS NULL OR n.created_at < $filter.created_before)
  AND ($filter.owner IS NULL OR n.owner = $filter.owner)
  AND ($filter.tag IS NULL OR $filter.tag IN n.tags)
  AND ($filter.risk_tier IS NULL OR n.risk_tier = $filter.risk_tier)
  AND ($after IS NULL OR n.created_at > $after.created_at
       OR (n.created_at = $after.created_at AND n.id > $after.id))
RETURN n {.*} AS node
ORDER BY n.created_at, n.id
LIMIT $limit
