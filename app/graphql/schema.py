"""The root GraphQL schema, composed from each domain's queries and mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, ValidationCache

from app.artifacts.mutations import ArtifactsMutation
from app.audit.queries import AuditQuery
from app.auth.mutations import AccessMutation
from app.auth.queries import AccessQuery
from app.catalog.mutations import CatalogMutation
from app.catalog.queries import CatalogQuery
from app.compliance.queries import ComplianceQuery
from app.core import limits
from app.events.mutations import EventsMutation
from app.events.queries import EventsQuery
from app.governance.mutations import GovernanceMutation
from app.governance.queries import GovernanceQuery
from app.graphql.execution import LeanExecutionContext
from app.graphql.limits import DocumentLimits
from app.graphql.scalars import DATETIME
from app.incident.mutations import IncidentMutation
from app.incident.queries import IncidentQuery
from app.lineage.queries import LineageQuery
from app.monitoring.mutations import MonitoringMutation
from app.monitoring.queries import MonitoringQuery
from app.system.queries import SystemQuery

# The root types merge each domain's fields, in this order. (`strawberry.tools.merge_types`
# does the same but cannot give the merged type a description.)


@strawberry.type(description="Reads: catalog records by id or natural key, filtered pages and search; impact, "
                             "provenance and lineage traversals; the compliance dossier; webhook subscriptions; "
                             "the service's status.")
class Query(CatalogQuery, LineageQuery, ComplianceQuery, GovernanceQuery, IncidentQuery, MonitoringQuery, AuditQuery,
            AccessQuery, EventsQuery,
            SystemQuery):
    pass


@strawberry.type(description="Changes: idempotent registrations and links, each one transaction that answers a result "
                             "union (the registration or the error that stopped it).")
class Mutation(CatalogMutation, GovernanceMutation, IncidentMutation, ArtifactsMutation, MonitoringMutation,
               AccessMutation, EventsMutation):
    pass


class RegistrySchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        # The HTTP view logs the unexpected ones with their request id (graphql_errors);
        # client mistakes (bad input, unknown ids) are answers, not server errors to log.
        return None


# Every request's extension carries the same rule objects, which is what lets ValidationCache
# (keyed on them) recognise a document it has already validated.
_GUARD_RULES = (DocumentLimits,)

schema = RegistrySchema(
    query=Query,
    mutation=Mutation,
    scalar_overrides={datetime: DATETIME},
    execution_context_class=LeanExecutionContext,
    extensions=[
        lambda: MaxTokensLimiter(max_token_count=limits.MAX_TOKENS),
        lambda: AddValidationRules(list(_GUARD_RULES)),
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
    ],
)
