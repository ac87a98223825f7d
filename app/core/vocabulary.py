"""The registry's closed vocabularies, spelled once for the server, the CLI and the importers.

Every GraphQL enum of the API is built from `vocabulary.toml` beside this module (names, stored
values, the sentence each means); the services check the same values, because Python callers (the
demo, the importers) skip GraphQL, and the CLI offers them as choices.
"""

from __future__ import annotations

import enum
import functools
import tomllib
from importlib import resources

_TERMS: dict[str, dict] = tomllib.loads(resources.files("app.core").joinpath("vocabulary.toml").read_text())


def values(vocabulary: str) -> tuple[str, ...]:
    """The values of one vocabulary as the graph stores them, in their documented order."""
    return tuple(term.get("stored", term["name"]) for term in _TERMS[vocabulary]["values"])


def description(vocabulary: str, value: str) -> str | None:
    """The sentence a stored value means (`PII`: "Holds personally identifiable information."); None for another value."""
    return next((term["description"] for term in _TERMS[vocabulary]["values"]
                 if term.get("stored", term["name"]) == value), None)


@functools.cache  # one Python enum per vocabulary: the schema holds each GraphQL type once
def graphql_enum(vocabulary: str) -> type[enum.Enum]:
    """The vocabulary as a GraphQL enum: members named as GraphQL spells them, valued as stored."""
    import strawberry  # here: the CLI reads the values on a runner that needs no GraphQL

    spec = _TERMS[vocabulary]
    members = [(term["name"], strawberry.enum_value(term.get("stored", term["name"]), description=term["description"]))
               for term in spec["values"]]
    return strawberry.enum(enum.Enum(vocabulary, members), description=spec["description"])


STAGES = values("Stage")
PRIVACY_CLASSES = values("PrivacyClass")
RISK_TIERS = values("RiskTier")
ENVIRONMENTS = values("Environment")  # stored in lower case; GraphQL and the CLI spell them in upper case
DEPLOYMENT_STATUSES = values("DeploymentStatus")
CHECK_KINDS = values("CheckKind")
ROLES = values("Role")
ARTIFACT_OUTCOMES = values("ArtifactOutcome")

# A run's states, as OpenLineage names its event types (OTHER says nothing about the state).
RUN_STATES = values("RunState")
TERMINAL_RUN_STATES = ("COMPLETE", "FAIL", "ABORT")
# START < RUNNING < a terminal state: a late START never reopens a finished run.
RUN_STATE_RANK = {"START": 1, "RUNNING": 2, "COMPLETE": 3, "FAIL": 3, "ABORT": 3}

# The registry's own OpenLineage facets (app/openlineage/schemas/lineagegraph-facets-1-0-0.json).
FACETS_SCHEMA_URL = "https://lineagegraph.dev/spec/facets/1-0-0/LineagegraphFacets.json"
MODEL_VERSION_FACET = "lineagegraph_modelVersion"
PARAMETERS_FACET = "lineagegraph_parameters"
