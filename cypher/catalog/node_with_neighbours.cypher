// One catalog node, by id or else by natural key, with the neighbours a GraphQL selection asks for,
// two levels deep, in one statement: what the lookup's nested fields would otherwise fetch with a
// statement per field and level (app/catalog/loaders.py, `lookup`, primes the request's loaders
// with it). Each hop is data, never text: an edge hop {field, type, out, open, label} follows the
// relationships of one type in one direction (a branch per type and direction, so that Neo4j expands
// only those, not all of a hub's), only open spans (`until` null) when `open`, to nodes
// labelled `label` (any node when null), as the rel_* files do; a key hop {field, target, key}
// finds the `target` node whose natural key is the source's properties named in `key`, as the
// get_*_by_key files do. `then` holds the hops to follow from each node a hop reaches. The order
// of each relation (its file's ORDER BY) is applied by the caller. Node maps carry their datetimes
// as ISO text, as the lineage statements' do (app/core/times.py reads either, 20x cheaper to decode).
// No row when there is no node.
// params: label, id, key, hops
CALL () {
  WITH 1 AS _ WHERE $label = 'Team' MATCH (n:Team {id: $id}) RETURN n
  UNION
  WITH 1 AS _ WHERE $label = 'Team' MATCH (n:Team {name: $key.name}) RETURN n
  UNION
  WITH 1 AS _ WHERE $label = 'Dataset' MATCH (n:Dataset {id: $id}) RETURN n
  UNION
  WITH 1 AS _ WHERE $label = 'Dataset' MATCH (n:Dataset {namespace: $key.namespace, name: $key.name}) RETURN n
  UNION
  WITH 1 AS _ WHERE $label = 'DatasetVersion' MATCH (n:DatasetVersion {id: $id}) RETURN n
  UNION
  WITH 1 AS _ WHERE $label = 'DatasetVersion'
  MATCH (n:DatasetVersion {namespace: $key.namespace, name: $key.name, version: $key.version}) RETURN n
  UNION
  WITH 1 AS _ WHERE $label = 'Feature' MATCH (n:Feature {id: $id}) RETURN n
  UNION
  WITH 1 AS _ WHERE $label = 'Feature' MATCH (n:Feature {group: $key.group, name: $key.name}) RETURN n
  UNION
  WITH 1 AS _ WHERE $label = 'Job' MATCH (n:Job {id: $id}) RETURN n
  UNION
  WITH 1 AS _ WHERE $label = 'Job' MATCH (n:Job {namespace: $key.namespace, name: $key.name}) RETURN n
  UNION
  WITH 1 AS _ WHERE $label = 'Run' MATCH (n:Run {id: $id}) RETURN n
  UNION
  WITH 1 AS _ WHERE $label = 'Run' MATCH (n:Run {run_id: $key.run_id}) RETURN n
  UNION
  WITH 1 AS _ WHERE $label = 'Model' MATCH (n:Model {id: $id}) RETURN n
  UNION
  WITH 1 AS _ WHERE $label = 'Model' MATCH (n:Model {name: $key.name}) RETURN n
  UNION
  WITH 1 AS _ WHERE $label = 'ModelVersion' MATCH (n:ModelVersion {id: $id}) RETURN n
  UNION
  WITH 1 AS _ WHERE $label = 'ModelVersion'
  MATCH (n:ModelVersion {model_name: $key.model_name, version: $key.version}) RETURN n
  UNION
  WITH 1 AS _ WHERE $label = 'Deployment' MATCH (n:Deployment {id: $id}) RETURN n
  UNION
  WITH 1 AS _ WHERE $label = 'Deployment' MATCH (n:Deployment {environment: $key.environment, name: $key.name}) RETURN n
}
RETURN n {.*, created_at: toString(n.created_at), updated_at: toString(n.updated_at),
     started_at: toString(n.started_at), ended_at: toString(n.ended_at), state_at: toString(n.state_at),
     since: toString(n.since), artifact_verified_at: toString(n.artifact_verified_at)} AS node, COLLECT {
  UNWIND $hops AS hop
  CALL (n, hop) {
    WITH n AS src, hop WHERE hop.type = 'VERSION_OF' AND NOT hop.out
    MATCH (src)<-[r:VERSION_OF]-(x) WHERE (NOT hop.open OR r.until IS NULL) AND (hop.label IS NULL OR hop.label IN labels(x)) RETURN x
    UNION ALL
    WITH n AS src, hop WHERE hop.type = 'WAS_GENERATED_BY' AND hop.out
    MATCH (src)-[r:WAS_GENERATED_BY]->(x) WHERE (NOT hop.open OR r.until IS NULL) AND (hop.label IS NULL OR hop.label IN labels(x)) RETURN x
    UNION ALL
    WITH n AS src, hop WHERE hop.type = 'WAS_GENERATED_BY' AND NOT hop.out
    MATCH (src)<-[r:WAS_GENERATED_BY]-(x) WHERE (NOT hop.open OR r.until IS NULL) AND (hop.label IS NULL OR hop.label IN labels(x)) RETURN x
    UNION ALL
    WITH n AS src, hop WHERE hop.type = 'WAS_DERIVED_FROM' AND hop.out
    MATCH (src)-[r:WAS_DERIVED_FROM]->(x) WHERE (NOT hop.open OR r.until IS NULL) AND (hop.label IS NULL OR hop.label IN labels(x)) RETURN x
    UNION ALL
    WITH n AS src, hop WHERE hop.type = 'INSTANCE_OF' AND NOT hop.out
    MATCH (src)<-[r:INSTANCE_OF]-(x) WHERE (NOT hop.open OR r.until IS NULL) AND (hop.label IS NULL OR hop.label IN labels(x)) RETURN x
    UNION ALL
    WITH n AS src, hop WHERE hop.type = 'USED' AND hop.out
    MATCH (src)-[r:USED]->(x) WHERE (NOT hop.open OR r.until IS NULL) AND (hop.label IS NULL OR hop.label IN labels(x)) RETURN x
    UNION ALL
    WITH n AS src, hop WHERE hop.type = 'SERVES' AND hop.out
    MATCH (src)-[r:SERVES]->(x) WHERE (NOT hop.open OR r.until IS NULL) AND (hop.label IS NULL OR hop.label IN labels(x)) RETURN x
    UNION ALL
    WITH n AS src, hop WHERE hop.type = 'SERVES' AND NOT hop.out
    MATCH (src)<-[r:SERVES]-(x) WHERE (NOT hop.open OR r.until IS NULL) AND (hop.label IS NULL OR hop.label IN labels(x)) RETURN x
    UNION ALL
    WITH n AS src, hop WHERE hop.target = 'Team' MATCH (x:Team {name: src[hop.key[0]]}) RETURN x
    UNION ALL
    WITH n AS src, hop WHERE hop.target = 'Model' MATCH (x:Model {name: src[hop.key[0]]}) RETURN x
    UNION ALL
    WITH n AS src, hop WHERE hop.target = 'Job'
    MATCH (x:Job {namespace: src[hop.key[0]], name: src[hop.key[1]]}) RETURN x
    UNION ALL
    WITH n AS src, hop WHERE hop.target = 'Dataset'
    MATCH (x:Dataset {namespace: src[hop.key[0]], name: src[hop.key[1]]}) RETURN x
  }
  RETURN {field: hop.field, kind: coalesce(hop.label, hop.target, labels(x)[0]), node: x {.*, created_at: toString(x.created_at), updated_at: toString(x.updated_at),
       started_at: toString(x.started_at), ended_at: toString(x.ended_at), state_at: toString(x.state_at),
       since: toString(x.since), artifact_verified_at: toString(x.artifact_verified_at)}, then: COLLECT {
    UNWIND hop.then AS next
    CALL (x, next) {
      WITH x AS src, next WHERE next.type = 'VERSION_OF' AND NOT next.out
      MATCH (src)<-[r:VERSION_OF]-(y) WHERE (NOT next.open OR r.until IS NULL) AND (next.label IS NULL OR next.label IN labels(y)) RETURN y
      UNION ALL
      WITH x AS src, next WHERE next.type = 'WAS_GENERATED_BY' AND next.out
      MATCH (src)-[r:WAS_GENERATED_BY]->(y) WHERE (NOT next.open OR r.until IS NULL) AND (next.label IS NULL OR next.label IN labels(y)) RETURN y
      UNION ALL
      WITH x AS src, next WHERE next.type = 'WAS_GENERATED_BY' AND NOT next.out
      MATCH (src)<-[r:WAS_GENERATED_BY]-(y) WHERE (NOT next.open OR r.until IS NULL) AND (next.label IS NULL OR next.label IN labels(y)) RETURN y
      UNION ALL
      WITH x AS src, next WHERE next.type = 'WAS_DERIVED_FROM' AND next.out
      MATCH (src)-[r:WAS_DERIVED_FROM]->(y) WHERE (NOT next.open OR r.until IS NULL) AND (next.label IS NULL OR next.label IN labels(y)) RETURN y
      UNION ALL
      WITH x AS src, next WHERE next.type = 'INSTANCE_OF' AND NOT next.out
      MATCH (src)<-[r:INSTANCE_OF]-(y) WHERE (NOT next.open OR r.until IS NULL) AND (next.label IS NULL OR next.label IN labels(y)) RETURN y
      UNION ALL
      WITH x AS src, next WHERE next.type = 'USED' AND next.out
      MATCH (src)-[r:USED]->(y) WHERE (NOT next.open OR r.until IS NULL) AND (next.label IS NULL OR next.label IN labels(y)) RETURN y
      UNION ALL
      WITH x AS src, next WHERE next.type = 'SERVES' AND next.out
      MATCH (src)-[r:SERVES]->(y) WHERE (NOT next.open OR r.until IS NULL) AND (next.label IS NULL OR next.label IN labels(y)) RETURN y
      UNION ALL
      WITH x AS src, next WHERE next.type = 'SERVES' AND NOT next.out
      MATCH (src)<-[r:SERVES]-(y) WHERE (NOT next.open OR r.until IS NULL) AND (next.label IS NULL OR next.label IN labels(y)) RETURN y
      UNION ALL
      WITH x AS src, next WHERE next.target = 'Team' MATCH (y:Team {name: src[next.key[0]]}) RETURN y
      UNION ALL
      WITH x AS src, next WHERE next.target = 'Model' MATCH (y:Model {name: src[next.key[0]]}) RETURN y
      UNION ALL
      WITH x AS src, next WHERE next.target = 'Job'
      MATCH (y:Job {namespace: src[next.key[0]], name: src[next.key[1]]}) RETURN y
      UNION ALL
      WITH x AS src, next WHERE next.target = 'Dataset'
      MATCH (y:Dataset {namespace: src[next.key[0]], name: src[next.key[1]]}) RETURN y
    }
    RETURN {field: next.field, kind: coalesce(next.label, next.target, labels(y)[0]), node: y {.*, created_at: toString(y.created_at), updated_at: toString(y.updated_at),
         started_at: toString(y.started_at), ended_at: toString(y.ended_at), state_at: toString(y.state_at),
         since: toString(y.since), artifact_verified_at: toString(y.artifact_verified_at)}}
  }}
} AS neighbours
