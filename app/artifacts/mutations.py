"""GraphQL mutation of artifact verification: verifyArtifacts, answered with a result union."""

from __future__ import annotations

from typing import Annotated

import strawberry

from app.artifacts import service
from app.artifacts.inputs import VerifyArtifactsInput
from app.artifacts.store import StoreSettings
from app.artifacts.types import ArtifactOutcome, ArtifactVerification, verification
from app.auth.permissions import requires
from app.catalog import loaders as catalog_loaders
from app.catalog.types import DatasetVersion, ModelVersion, from_node
from app.core.access import Permission
from app.core.context import Info
from app.core.kinds import Kinds
from app.core.results import ForbiddenError, InvalidInputError, NotFoundError, answer
from app.core.vocabulary import ARTIFACT_OUTCOMES


@strawberry.type(description="One version's artifact, as this call verified it.")
class VersionVerification:
    kind: str = strawberry.field(description="`ModelVersion` or `DatasetVersion`.")
    label: str = strawberry.field(description="The version as people write it: `credit-scoring@2`, `s3://raw/t@2026-03-08`.")
    verification: ArtifactVerification = strawberry.field(description="What was found, as recorded.")
    version_id: strawberry.Private[str]

    @strawberry.field(description="The model version, for a model version's artifact; null otherwise.")
    async def model_version(self, info: Info) -> ModelVersion | None:
        if self.kind != service.MODEL_VERSION:
            return None
        return from_node(ModelVersion, await catalog_loaders.by_id(info, Kinds.MODEL_VERSION.value).load(self.version_id))

    @strawberry.field(description="The dataset version, for a dataset version's artifact; null otherwise.")
    async def dataset_version(self, info: Info) -> DatasetVersion | None:
        if self.kind != service.DATASET_VERSION:
            return None
        return from_node(DatasetVersion,
                         await catalog_loaders.by_id(info, Kinds.DATASET_VERSION.value).load(self.version_id))


@strawberry.type(description="How many verifications of a call found one outcome.")
class OutcomeCount:
    outcome: ArtifactOutcome = strawberry.field(description="The outcome.")
    count: int = strawberry.field(description="How many of this call's verifications found it.")


@strawberry.type(description="What `verifyArtifacts` found and recorded.")
class ArtifactsVerified:
    verifications: list[VersionVerification] = strawberry.field(
        description="One per version named (a version named twice is verified once): model versions first, in the "
                    "order given.")
    counts: list[OutcomeCount] = strawberry.field(description="Verifications per outcome, every outcome listed.")
    blocking: bool = strawberry.field(
        description="True when any was DRIFT or MISSING: those versions are refused by the promotion and deployment "
                    "gates until a later verification matches.")


VerifyArtifactsResult = Annotated[
    ArtifactsVerified | InvalidInputError | NotFoundError | ForbiddenError,
    strawberry.union("VerifyArtifactsResult", description="What `verifyArtifacts` answers: `ArtifactsVerified`, or "
                     "the error that stopped it (then nothing was recorded).")]


def _verified(found: list[service.Verification]) -> ArtifactsVerified:
    outcomes = [f.record["outcome"] for f in found]
    return ArtifactsVerified(
        verifications=[VersionVerification(kind=f.kind, label=f.label, verification=verification(f.record),
                                           version_id=f.version_id) for f in found],
        counts=[OutcomeCount(outcome=ArtifactOutcome(o), count=outcomes.count(o)) for o in ARTIFACT_OUTCOMES],
        blocking=any(o in service.BLOCKING for o in outcomes))


@strawberry.type(description="Artifact verification: compare what the stores hold with the recorded digests.")
class ArtifactsMutation:
    @strawberry.mutation(
        description="Read each named version's artifact from its store (`file://`, `s3://` …, under "
                    "LINEAGEGRAPH_ARTIFACT_ROOTS), compute its digest (a file's sha256; a directory's manifest digest) "
                    "and compare it with the recorded one. Every verification is recorded (the version's "
                    "`lastVerification`) and audited; DRIFT or MISSING blocks the version's promotion and deployment "
                    "until a later verification matches. Each call is a new observation: verifying again records again.",
        extensions=requires(Permission.VERIFY_ARTIFACTS))
    async def verify_artifacts(
        self, info: Info,
        input: Annotated[VerifyArtifactsInput, strawberry.argument(description="The versions to verify.")],
    ) -> VerifyArtifactsResult:
        ctx = info.context
        return await answer(
            service.verify_artifacts(ctx.db, ctx.actor(), StoreSettings.of(ctx.settings),
                                     model_versions=input.model_version_refs(),
                                     dataset_versions=input.dataset_version_refs()),
            _verified)
