// Every SERVES span of each deployment, oldest first, with the version served and how the switch
// was made: by whom, whether it was a rollback (and why), and any break-glass override of the
// deployment gate (batched by source id for DataLoaders).
// params: ids
UNWIND $ids AS id
MATCH (:Deployment {id: id})-[s:SERVES]->(mv:ModelVersion)
RETURN id, 'ServingSpan' AS kind,
       {model_version: mv {.*}, since: s.since, until: s.until, by: s.by, rollback: coalesce(s.rollback, false),
        rollback_reason: s.reason, break_glass: coalesce(s.break_glass, false),
        break_glass_reason: s.break_glass_reason, break_glass_by: s.break_glass_by,
        break_glass_overrode: coalesce(s.break_glass_overrode, [])} AS node
ORDER BY id, s.since
