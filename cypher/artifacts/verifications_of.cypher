// The latest verifications of each of these versions (model or dataset versions, by id), newest
// first, at most $limit each (without their manifests). Versions never verified have no row.
// params: version_ids, limit
UNWIND $version_ids AS version_id
CALL (version_id) {
  MATCH (:ModelVersion {id: version_id})-[:HAS_VERIFICATION]->(av:ArtifactVerification) RETURN av
  UNION
  MATCH (:DatasetVersion {id: version_id})-[:HAS_VERIFICATION]->(av:ArtifactVerification) RETURN av
}
WITH version_id, av ORDER BY av.verified_at DESC, av.id DESC
WITH version_id, collect(av {.id, .outcome, .uri, .expected_digest, .actual_digest, .detail, .form, .file_count,
                             .bytes, .verified_at, .verified_by})[..$limit] AS verifications
RETURN version_id, verifications
