"""GraphQL inputs of governance: a check, an approval, a promotion."""

from __future__ import annotations

import strawberry

from app.catalog.inputs import ModelVersionRefInput
from app.catalog.types import Stage
from app.governance.types import CheckKind, CheckStatus


@strawberry.input(description="The outcome of one check of a model version.")
class RecordCheckInput:
    model_version: ModelVersionRefInput = strawberry.field(description="The existing model version checked.")
    kind: CheckKind = strawberry.field(description="What was checked; one outcome per (version, kind) is kept.")
    status: CheckStatus = strawberry.field(description="The outcome; WAIVED needs a note.")
    evidence_uri: str | None = strawberry.field(
        default=None, description="Where the evidence is: an absolute URI (report, ticket), at most 2,000 characters.")
    note: str | None = strawberry.field(default=None, description="Free text, at most 10,000 characters.")


@strawberry.input(description="An approval of a model version for a target stage.")
class ApproveModelVersionInput:
    model_version: ModelVersionRefInput = strawberry.field(description="The existing model version approved.")
    stage: Stage = strawberry.field(description="The stage it is approved for.")
    note: str | None = strawberry.field(default=None, description="Free text, at most 10,000 characters.")


@strawberry.input(description="A promotion of a model version to another stage.")
class PromoteModelVersionInput:
    model_version: ModelVersionRefInput = strawberry.field(description="The existing model version to promote.")
    stage: Stage = strawberry.field(description="The target stage (not QUARANTINED: incident response sets that).")
