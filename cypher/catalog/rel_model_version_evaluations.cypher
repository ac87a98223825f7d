// The evaluation results of each model version, with the dataset version each was measured on (batched by source id for DataLoaders).
// params: ids
UNWIND $ids AS id
MATCH (:ModelVersion {id: id})-[:HAS_EVALUATION]->(e:Evaluation)-[:MEASURED_ON]->(dv:DatasetVersion)
RETURN id, 'Evaluation' AS kind, e {.*, dataset_version: dv {.namespace, .name, .version, .id}} AS node
ORDER BY id, e.metric, dv.id
