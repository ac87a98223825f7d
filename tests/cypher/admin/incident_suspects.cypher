// What an incident names as suspects (the monitoring policy's upstream links), with each one's flag.
// params: id
MATCH (:Incident {id: $id})-[s:SUSPECTS]->(n)
RETURN labels(n)[0] AS kind, n.id AS id, s.depth AS depth, coalesce(n.quarantined, false) AS quarantined
ORDER BY s.depth, n.id
