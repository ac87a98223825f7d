"""GraphQL queries of compliance: the reviewer's dossier; thin over app/compliance/service.py."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from app.auth.permissions import requires
from app.compliance import service
from app.compliance.inputs import subject_of
from app.compliance.types import ComplianceDossier, compliance_dossier
from app.core import limits
from app.core.access import Permission
from app.core.context import Info
from app.lineage.inputs import ProvenanceStartInput


@strawberry.type(description="Compliance: the reviewer's dossier about a model version or a deployment.")
class ComplianceQuery:
    @strawberry.field(
        description="Everything a compliance reviewer asks about a model version or a deployment, in one read, now or "
                    "as the registry stood at `asOf`: the upstream graph to the raw sources with licences and privacy "
                    "classes; every model version's checks, approvals, stage history and evaluations; the deployment's "
                    "switches with any break-glass override; the incidents that touched it; the audit chain's "
                    "verification; and where its PROV-JSON, CycloneDX and report documents are served. Reads are not "
                    "team-scoped: any reader may read any dossier. An unknown subject is NOT_FOUND.",
        extensions=requires(Permission.READ))
    async def compliance(
        self, info: Info,
        of: Annotated[ProvenanceStartInput, strawberry.argument(description="The subject: a model version or a deployment.")],
        as_of: Annotated[datetime | None, strawberry.argument(
            description="Describe the registry as it stood at this time (only facts recorded by then); now when null. "
                        "A time ahead of the registry's clock is BAD_USER_INPUT.")] = None,
        node_budget: Annotated[int, strawberry.argument(
            description="Stop the upstream graph after this many nodes: 1–200,000, default 50,000; a cut dossier "
                        "says `complete: false`.")] = limits.DEFAULT_NODE_BUDGET,
    ) -> ComplianceDossier:
        found = await service.dossier(info.context.db, subject_of(of), as_of=as_of,
                                      clock_skew=info.context.settings.max_clock_skew, budget=node_budget)
        return compliance_dossier(found, live=as_of is None)
