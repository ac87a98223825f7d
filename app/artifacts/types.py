"""GraphQL types of artifact verification: what one verification found, and the loaders the
versions' `lastVerification` / `verifications` fields use (one read per request and page size)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.artifacts import service
from app.core.context import Info
from app.core.vocabulary import graphql_enum

ArtifactOutcome = graphql_enum("ArtifactOutcome")


@strawberry.type(description="One verification of a version's artifact: the service read it from its store, computed "
                             "its digest and compared it with the recorded one (README \"Artifact verification\").")
class ArtifactVerification:
    id: strawberry.ID = strawberry.field(description="Stable id (a UUID).")
    outcome: ArtifactOutcome = strawberry.field(description="What was found: MATCH, DRIFT, MISSING, UNREADABLE or UNRECORDED.")
    verified_at: datetime = strawberry.field(description="When it was recorded (after the artifact was read).")
    verified_by: str = strawberry.field(description="The principal that asked for it.")
    uri: str | None = strawberry.field(description="Where it was read; null when no location is recorded.")
    expected_digest: str | None = strawberry.field(description="The recorded digest it was compared with; null when none is recorded.")
    actual_digest: str | None = strawberry.field(
        description="The digest computed from the store (a file's sha256, or a directory's manifest digest); null "
                    "when nothing could be read.")
    detail: str | None = strawberry.field(
        description="What differs or failed, for a person to read (files changed, added or gone; the store's error); "
                    "null for a MATCH.")
    form: str | None = strawberry.field(description="`file` or `directory`: what was stored there; null when nothing was read.")
    file_count: int | None = strawberry.field(description="Files read (1 for a single file); null when nothing was read.")
    bytes: float | None = strawberry.field(description="Bytes read and hashed; null when nothing was read.")


def _native(value):
    return value.to_native() if hasattr(value, "to_native") else value


def verification(record: dict) -> ArtifactVerification:
    """The GraphQL ArtifactVerification of a recorded one."""
    return ArtifactVerification(
        id=record["id"], outcome=ArtifactOutcome(record["outcome"]), verified_at=_native(record["verified_at"]),
        verified_by=record["verified_by"], uri=record.get("uri"), expected_digest=record.get("expected_digest"),
        actual_digest=record.get("actual_digest"), detail=record.get("detail"), form=record.get("form"),
        file_count=record.get("file_count"), bytes=record.get("bytes"))


async def history(info: Info, version_id: str, first: int) -> list[ArtifactVerification]:
    """A version's latest `first` verifications, newest first: batched per request and page size."""
    async def load(ids: list[str]) -> list[list[dict]]:
        return await service.verifications_of(info.context.db, list(ids), limit=first)

    records = await info.context.loaders.batched(("artifacts", "verifications", first), load).load(version_id)
    return [verification(r) for r in records]


async def last(info: Info, version_id: str) -> ArtifactVerification | None:
    """A version's last verification, or None when it was never verified."""
    found = await history(info, version_id, 1)
    return found[0] if found else None
