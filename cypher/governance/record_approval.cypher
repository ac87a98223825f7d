// Records one person's approval of a model version for a target stage: one Approval per (version,
// stage, approver), its id derived from them ($id), so approving again changes nothing (the first
// approval's time, roles and note stand), even when it is sent again with the same time (the demo
// loaded twice): `created` comes from the MERGE itself. No row when the version does not exist.
// params: model_name, version, id, stage, roles, note, now, principal
MATCH (mv:ModelVersion {model_name: $model_name, version: $version})
MERGE (a:Approval {id: $id})
ON CREATE SET a.stage = $stage, a.approver = $principal, a.roles = $roles, a.note = $note, a.approved_at = $now,
              a.model_version_id = mv.id, a.created_here = true
WITH mv, a, coalesce(a.created_here, false) AS created
REMOVE a.created_here
MERGE (mv)-[:HAS_APPROVAL]->(a)
RETURN a {.*} AS approval, mv.id AS model_version_id, created
