// Pages of what incidents affect (AFFECTS), one per request {key, id, kinds, offset, limit}, for a
// whole GraphQL response at once (a list of incidents asking for `affected` is one round trip):
// model versions first, then runs, features and dataset versions, nearest first; with the total
// over all pages. No row for a request whose incident does not exist.
// params: requests
UNWIND $requests AS request
MATCH (i:Incident {id: request.id})
CALL (i, request) {
  OPTIONAL MATCH (i)-[r:AFFECTS]->(n)
  WITH r, n, labels(n)[0] AS kind
  WHERE n IS NOT NULL AND (request.kinds IS NULL OR kind IN request.kinds)
  WITH r, n, kind, CASE kind WHEN 'ModelVersion' THEN 0 WHEN 'Run' THEN 1 WHEN 'Feature' THEN 2 ELSE 3 END AS rank
  ORDER BY rank, r.depth, n.id
  RETURN collect({kind: kind, depth: r.depth, node: n {.*}}) AS listed
}
RETURN request.key AS key, size(listed) AS total, listed[request.offset..(request.offset + request.limit)] AS page
