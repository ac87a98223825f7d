// Who authored a model version, for refusing self-approval: its creator and the creators of the
// runs that produced it. No row when the version does not exist.
// params: model_name, version
MATCH (mv:ModelVersion {model_name: $model_name, version: $version})
OPTIONAL MATCH (mv)-[:WAS_GENERATED_BY]->(run:Run)
WITH mv, collect(DISTINCT run.created_by) AS run_authors
RETURN mv.id AS id, [a IN run_authors + [mv.created_by] WHERE a IS NOT NULL] AS authors
