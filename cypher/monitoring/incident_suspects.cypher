// A page of what an incident names as suspects (the monitoring policy's links to the upstream of the
// version a critical signal's deployment served), nearest first, with the total. No row when the
// incident does not exist.
// params: incident_id, offset, limit
MATCH (i:Incident {id: $incident_id})
OPTIONAL MATCH (i)-[s:SUSPECTS]->(n)
WITH i, s, n ORDER BY s.depth, n.id
WITH i, collect(CASE WHEN n IS NOT NULL THEN {kind: labels(n)[0], depth: s.depth, node: n {.*}} END) AS suspects
RETURN size(suspects) AS total, suspects[$offset..$offset + $limit] AS page
