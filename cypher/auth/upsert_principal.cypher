// Creates a principal (a person or a pipeline) or replaces its roles and team memberships with
// the ones given. No row when one of the teams does not exist.
// params: name, roles, teams, id, now, by
OPTIONAL MATCH (team:Team) WHERE team.name IN $teams
WITH collect(team) AS found
WHERE size(found) = size($teams)
MERGE (p:Principal {name: $name})
ON CREATE SET p.id = $id, p.created_at = $now, p.created_by = $by
SET p.roles = $roles, p.updated_at = $now, p.updated_by = $by
WITH p, found
CALL (p, found) {
  OPTIONAL MATCH (p)-[old:MEMBER_OF]->(team:Team)
  WHERE NOT team IN found
  DELETE old
}
CALL (p, found) {
  UNWIND found AS team
  MERGE (p)-[:MEMBER_OF]->(team)
}
RETURN p {.name, .roles} AS principal
