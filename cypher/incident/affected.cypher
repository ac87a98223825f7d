// One page of what an incident affects (AFFECTS), optionally only some kinds: model versions first,
// then runs, features and dataset versions, nearest first; with the total over all pages.
// No row when the incident does not exist.
// params: id, kinds, offset, limit
MATCH (i:Incident {id: $id})
CALL (i) {
  OPTIONAL MATCH (i)-[r:AFFECTS]->(n)
  WITH r, n, labels(n)[0] AS kind
  WHERE n IS NOT NULL AND ($kinds IS NULL OR kind IN $kinds)
  WITH r, n, kind, CASE kind WHEN 'ModelVersion' THEN 0 WHEN 'Run' THEN 1 WHEN 'Feature' THEN 2 ELSE 3 END AS rank
  ORDER BY rank, r.depth, n.id
  RETURN collect({kind: kind, depth: r.depth, node: n {.*}}) AS listed
}
RETURN size(listed) AS total, listed[$offset..($offset + $limit)] AS page
