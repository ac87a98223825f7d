// Records one person's approval of a model version for a target stage: one Approval per (version,
// stage, approver), its id derived from them ($id), so approving again changes nothing (the first
// approval's time, roles and note stand). No row when the version does not exist.
// params: model_name, version, id, stage, roles, note, now, principal
MATCH (mv:ModelVersion {model_name: $model_name, version: $version})
MERGE (a:Approval {id: $id})
ON CREATE SET a.stage = $stage, a.approver = $principal, a.roles = $roles, a.note = $note, a.approved_at = $now,
              a.model_version_id = mv.id
MERGE (mv)-[:HAS_APPROVAL]->(a)
RETURN a {.*} AS approval, mv.id AS model_version_id, a.approved_at = $now AS created
