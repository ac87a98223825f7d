"""What the incident tests share: the GraphQL documents, the demo loader and small readers."""

from __future__ import annotations



CORRUPTED = {"namespace": "s3://raw", "name": "transactions", "version": "2026-03-08"}
REASON = "Double-loaded partition: amounts doubled."

INCIDENT_FIELDS = """id status reason startKind startKey openedBy releasedBy releaseNote
  starts { __typename ... on Record { id } }
  counts { kind count }
  rollbacks { rolledBack rolledBackBy servesAffectedVersion deployment { environment name }
              rolledBackFrom { modelName version } rolledBackTo { modelName version } }
  affected(first: 500) { totalCount items { kind depth node { __typename ... on Record { id } } } }"""

QUARANTINE = """mutation($input: QuarantineInput!) { quarantine(input: $input) { __typename
  ... on Quarantine { created flaggedCount incident { %s } }
  ... on UserError { code message } ... on InvalidInputError { field } } }""" % INCIDENT_FIELDS

RELEASE = """mutation($input: ReleaseQuarantineInput!) { releaseQuarantine(input: $input) { __typename
  ... on QuarantineRelease { changed clearedCount incident { %s } }
  ... on UserError { code message } } }""" % INCIDENT_FIELDS

ROLLBACK = """mutation($input: RollbackDeploymentInput!) { rollbackDeployment(input: $input) { __typename
  ... on DeploymentRolledBack { changed rolledBackFrom { modelName version }
        deployment { environment name status modelVersion { modelName version } }
        incidents { id rollbacks { rolledBack deployment { name } } } }
  ... on DeploymentRefused { code message unmet { kind message node }
        candidates { modelVersion { modelName version } lastServed unmet { kind message node } } }
  ... on UserError { code message } ... on ConflictError { field } } }"""

IMPACT = """query($of: ImpactStartInput!) { impact(of: $of, first: 500) { complete
  items { kind node { __typename ... on Record { id } } } } }"""

FLAGGED = """{ datasetVersions(first: 500) { nodes { id quarantined } }
               modelVersions(first: 500) { nodes { id quarantined } } }"""

SERVING = """query($env: Environment!, $name: String!) { deployment(environment: $env, name: $name) {
  modelVersion { modelName version } } }"""

PRODUCTION = {"environment": "PRODUCTION", "name": "credit-scoring-api", "reason": "incident: corrupted transactions"}


def quarantine(gql, headers=None, **input) -> dict:
    return gql(QUARANTINE, {"input": {"reason": REASON, **input}}, headers=headers)["data"]["quarantine"]


def impact(gql, of: dict) -> dict[str, set[str]]:
    answer = gql(IMPACT, {"of": of})["data"]["impact"]
    assert answer["complete"]
    by_kind: dict[str, set[str]] = {}
    for item in answer["items"]:
        by_kind.setdefault(item["kind"], set()).add(item["node"]["id"])
    return by_kind


def affected(incident: dict) -> dict[str, set[str]]:
    by_kind: dict[str, set[str]] = {}
    for item in incident["affected"]["items"]:
        by_kind.setdefault(item["kind"], set()).add(item["node"]["id"])
    return by_kind


def flagged(gql) -> set[str]:
    data = gql(FLAGGED)["data"]
    return {n["id"] for kind in ("datasetVersions", "modelVersions") for n in data[kind]["nodes"] if n["quarantined"]}


def serving(gql, environment="PRODUCTION", name="credit-scoring-api") -> str:
    mv = gql(SERVING, {"env": environment, "name": name})["data"]["deployment"]["modelVersion"]
    return f"{mv['modelName']}@{mv['version']}"

