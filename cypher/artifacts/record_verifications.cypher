// Records verifications: for each, an (:ArtifactVerification) linked from its version by
// HAS_VERIFICATION, and on the version the outcome, time and id of its last verification (what the
// gate and `lastVerification` read), unless a later one is already there. The version's own facts
// and `updated_at` are left alone: a verification observes the artifact, it does not change the record.
// Returns each verification as recorded (without its manifest), in the order given.
// params: verifications, now, principal
UNWIND range(0, size($verifications) - 1) AS i
WITH i, $verifications[i] AS v
CALL (v) {
  MATCH (n:ModelVersion {id: v.version_id}) RETURN n
  UNION
  MATCH (n:DatasetVersion {id: v.version_id}) RETURN n
}
CREATE (n)-[:HAS_VERIFICATION]->(av:ArtifactVerification {
  id: v.id, outcome: v.outcome, uri: v.uri, expected_digest: v.expected_digest, actual_digest: v.actual_digest,
  detail: v.detail, form: v.form, file_count: v.file_count, bytes: v.bytes, manifest: v.manifest,
  verified_at: $now, verified_by: $principal, created_at: $now})
WITH i, n, av
CALL (n, av) {
  WITH n, av WHERE n.artifact_verified_at IS NULL OR n.artifact_verified_at <= av.verified_at
  SET n.artifact_outcome = av.outcome, n.artifact_verified_at = av.verified_at, n.artifact_verification_id = av.id
}
RETURN i, n.id AS version_id, av {.id, .outcome, .uri, .expected_digest, .actual_digest, .detail, .form, .file_count,
                                  .bytes, .verified_at, .verified_by} AS verification
ORDER BY i
