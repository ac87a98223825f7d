"""The registry's closed vocabularies, spelled once for the server, the CLI and the importers.

The GraphQL enums (app/catalog/types.py) spell the same values with a description each, and a
test keeps them equal; the services check these values too, because Python callers (the demo,
the importers) skip GraphQL.
"""

from __future__ import annotations

STAGES = ("DEVELOPMENT", "STAGING", "PRODUCTION", "ARCHIVED", "QUARANTINED")
PRIVACY_CLASSES = ("PUBLIC", "INTERNAL", "CONFIDENTIAL", "PII", "SENSITIVE_PII")
RISK_TIERS = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
# Lower case as stored; GraphQL and the CLI spell them in upper case.
ENVIRONMENTS = ("development", "test", "staging", "production")
DEPLOYMENT_STATUSES = ("ACTIVE", "INACTIVE", "ROLLED_BACK")

# A run's states, as OpenLineage names its event types (OTHER says nothing about the state).
RUN_STATES = ("START", "RUNNING", "COMPLETE", "FAIL", "ABORT")
TERMINAL_RUN_STATES = ("COMPLETE", "FAIL", "ABORT")
# START < RUNNING < a terminal state: a late START never reopens a finished run.
RUN_STATE_RANK = {"START": 1, "RUNNING": 2, "COMPLETE": 3, "FAIL": 3, "ABORT": 3}

# The registry's own OpenLineage facets (app/openlineage/schemas/lineagegraph-facets-1-0-0.json).
FACETS_SCHEMA_URL = "https://lineagegraph.dev/spec/facets/1-0-0/LineagegraphFacets.json"
MODEL_VERSION_FACET = "lineagegraph_modelVersion"
PARAMETERS_FACET = "lineagegraph_parameters"
