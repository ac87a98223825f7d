"""GraphQL of incident response: quarantine, releaseQuarantine, rollbackDeployment; incident and
incidents. Thin resolvers: the rules are in app/incident/service.py."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from neo4j.time import DateTime as Neo4jDateTime

from app.catalog import loaders as catalog_loaders
from app.core import limits
from app.auth.permissions import requires
from app.core.access import Permission
from app.catalog.inputs import (
    BreakGlassInput,
    DatasetRefInput,
    DatasetVersionRefInput,
    ModelVersionRefInput,
    break_glass_reason,
)
from app.core.kinds import Kinds
from app.core.actor import Actor
from app.catalog.types import BreakGlass, CatalogNode, Deployment, Environment, ModelVersion, from_labelled, from_node
from app.core.pagination import Connection, Edge, PageInfo, decode_cursor, encode_cursor
from app.core.context import Info
from app.core.errors import InvalidInput
from app.governance.deployment import Refusal
from app.governance.types import DeploymentRefused, deployment_refused
from app.incident import service
from app.lineage.service import Start
from app.core.pagination import decode_offset_cursor, offset_cursor
from app.system.types import KindCount
from app.core.results import ConflictError, ForbiddenError, InvalidInputError, NotFoundError, answer


@strawberry.enum(description="Where an incident stands.")
class IncidentStatus(Enum):
    OPEN = strawberry.enum_value("OPEN", description="In force: what it covers stays quarantined.")
    RELEASED = strawberry.enum_value(
        "RELEASED", description="Released: its flags were cleared, except where another OPEN incident covers a node.")


@strawberry.enum(description="Kinds an incident lists as affected.")
class AffectedKind(Enum):
    DATASET_VERSION = strawberry.enum_value("DatasetVersion", description="Dataset versions built from the bad data.")
    FEATURE = strawberry.enum_value("Feature", description="Features computed from it.")
    RUN = strawberry.enum_value("Run", description="Runs that read something affected.")
    MODEL_VERSION = strawberry.enum_value("ModelVersion", description="Model versions trained or fine-tuned on it.")


def _native(value):
    return value.to_native() if isinstance(value, Neo4jDateTime) else value


@strawberry.type(description="A deployment an incident asks to roll back: it served an affected model version "
                             "when the incident was opened.")
class DeploymentRollback:
    deployment: Deployment = strawberry.field(description="The deployment, as it is now.")
    rolled_back: bool = strawberry.field(description="True once `rollbackDeployment` rolled it back for this incident.")
    rolled_back_at: datetime | None = strawberry.field(description="When it was rolled back; null until it is.")
    rolled_back_by: str | None = strawberry.field(description="Who rolled it back; null until someone does.")
    serves_affected_version: bool = strawberry.field(
        description="True while it still serves a model version this incident covers: the rollback is still to do.")
    break_glass: BreakGlass | None = strawberry.field(
        description="The override of the deployment gate the rollback was made with (no earlier version passed); "
                    "null when it met every requirement or is not done.")
    from_id: strawberry.Private[str | None]
    to_id: strawberry.Private[str | None]

    @strawberry.field(description="The affected version it served before the rollback; null until rolled back.")
    async def rolled_back_from(self, info: Info) -> ModelVersion | None:
        return await _model_version(info, self.from_id)

    @strawberry.field(description="The good version the rollback returned it to; null until rolled back.")
    async def rolled_back_to(self, info: Info) -> ModelVersion | None:
        return await _model_version(info, self.to_id)


async def _model_version(info: Info, version_id: str | None) -> ModelVersion | None:
    if version_id is None:
        return None
    return from_node(ModelVersion, await catalog_loaders.by_id(info, Kinds.MODEL_VERSION.value).load(version_id))


@strawberry.type(description="One asset an incident affects, and how far downstream of the start it lies.")
class AffectedItem:
    kind: str = strawberry.field(description="Its node label, e.g. `ModelVersion`.")
    depth: int = strawberry.field(description="Hops downstream of the nearest start.")
    node: CatalogNode = strawberry.field(description="The asset, as it is now.")


@strawberry.type(description="A page of what an incident affects.")
class AffectedPage:
    total_count: int = strawberry.field(description="Affected assets of the kinds asked for, over all pages.")
    items: list[AffectedItem] = strawberry.field(
        description="This page: model versions first, then runs, features and dataset versions, nearest first.")
    has_next_page: bool = strawberry.field(description="True when another page follows.")
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page; null when this page is empty.")


@strawberry.type(description="An incident: what was quarantined, why, by whom, everything it affects and the "
                             "deployments to roll back.")
class Incident:
    id: strawberry.ID = strawberry.field(description="Stable id (a UUID).")
    reason: str = strawberry.field(description="Why it was opened, as the responder wrote it.")
    status: IncidentStatus = strawberry.field(description="OPEN while in force; RELEASED once released.")
    start_kind: str = strawberry.field(
        description="What the quarantine started at: `DatasetVersion`, `Dataset` (its versions in a window) or `ModelVersion`.")
    start_key: str = strawberry.field(
        description="The start as people write it: `s3://raw/transactions@2026-03-08`, `credit-scoring@2`, or a dataset "
                    "with its window `s3://raw/transactions [from, to)`.")
    window_from: datetime | None = strawberry.field(
        description="With a dataset start: versions created at or after this time were quarantined.")
    window_to: datetime | None = strawberry.field(description="With a dataset start: … and before this time.")
    opened_at: datetime = strawberry.field(description="When it was opened.")
    opened_by: str = strawberry.field(description="The principal that opened it.")
    released_at: datetime | None = strawberry.field(description="When it was released; null while OPEN.")
    released_by: str | None = strawberry.field(description="Who released it; null while OPEN.")
    release_note: str | None = strawberry.field(description="Why it was released; null while OPEN.")
    starts: list[CatalogNode] = strawberry.field(
        description="The quarantined start nodes (STARTED_AT): one dataset or model version, or a dataset's versions in the window.")
    counts: list[KindCount] = strawberry.field(description="Affected assets per kind (AFFECTS), over the whole incident.")
    rollbacks: list[DeploymentRollback] = strawberry.field(
        description="Deployments that served an affected model version (ROLLBACK_NEEDED), production first, "
                    "and whether each was rolled back.")

    @strawberry.field(description="What it affects (AFFECTS), a page at a time: every asset downstream of the start.")
    async def affected(
        self, info: Info,
        kinds: Annotated[list[AffectedKind] | None, strawberry.argument(
            description="List only these kinds; every kind when null.")] = None,
        first: Annotated[int, strawberry.argument(description="Page size: 1–500, default 100.")] = limits.DEFAULT_IMPACT_PAGE,
        after: Annotated[str | None, strawberry.argument(
            description="Continue after this `endCursor` of a previous page; null for the first page.")] = None,
    ) -> AffectedPage:
        offset = decode_offset_cursor(after)
        request = service.AffectedRequest(self.id, tuple(k.value for k in kinds) if kinds else None, first, offset)
        page = await info.context.loaders.batched("incident.affected", _load_affected(info)).load(request.checked())
        end = offset + len(page.items)
        return AffectedPage(
            total_count=page.total,
            items=[AffectedItem(kind=i["kind"], depth=i["depth"], node=from_labelled(i["kind"], i["node"]))
                   for i in page.items],
            has_next_page=end < page.total, end_cursor=offset_cursor(end) if page.items else None)


def _load_affected(info: Info):
    async def load(requests: list[service.AffectedRequest]) -> list:
        return await service.affected_pages(info.context.db, list(requests))

    return load


def _break_glass(edge: dict | None) -> BreakGlass | None:
    if edge is None:
        return None
    return BreakGlass(reason=edge["break_glass_reason"], by=edge["break_glass_by"],
                      overrode=list(edge["break_glass_overrode"] or []))


def incident(summary: dict) -> Incident:
    """The GraphQL Incident of a summary row (app/incident/repository.summaries)."""
    node = summary["incident"]
    return Incident(
        id=node["id"], reason=node["reason"], status=IncidentStatus(node["status"]), start_kind=node["start_kind"],
        start_key=node["start_key"], window_from=_native(node.get("window_from")),
        window_to=_native(node.get("window_to")), opened_at=_native(node["opened_at"]), opened_by=node["opened_by"],
        released_at=_native(node.get("released_at")), released_by=node.get("released_by"),
        release_note=node.get("release_note"),
        starts=[from_labelled(s["kind"], s["node"]) for s in summary["starts"]],
        counts=[KindCount(kind=c["kind"], count=c["count"]) for c in summary["counts"]],
        rollbacks=[DeploymentRollback(
            deployment=from_node(Deployment, r["deployment"]), rolled_back=r["rolled_back_at"] is not None,
            rolled_back_at=_native(r["rolled_back_at"]), rolled_back_by=r["rolled_back_by"],
            serves_affected_version=r["serves_covered"], from_id=r["rolled_back_from"], to_id=r["rolled_back_to"],
            break_glass=_break_glass(r["break_glass"]))
            for r in summary["rollbacks"]],
    )


# --- mutations ----------------------------------------------------------------------------------------


@strawberry.input(description="A time window: from (inclusive) until to (exclusive).")
class WindowInput:
    from_: datetime = strawberry.field(name="from", description="The window's start: versions created at or after it.")
    to: datetime = strawberry.field(description="The window's end: versions created before it.")


@strawberry.input(description="What to quarantine — exactly one of `datasetVersion`, `dataset` (with `window`) and "
                              "`modelVersion` — and why.")
class QuarantineInput:
    reason: str = strawberry.field(description="Why, for the incident record: what is wrong with it.")
    dataset_version: DatasetVersionRefInput | None = strawberry.field(
        default=None, description="A dataset version, e.g. a corrupted snapshot.")
    dataset: DatasetRefInput | None = strawberry.field(
        default=None, description="A dataset: its versions created in `window` are the starts.")
    window: WindowInput | None = strawberry.field(
        default=None, description="With `dataset` (required there): when the bad versions were created.")
    model_version: ModelVersionRefInput | None = strawberry.field(default=None, description="A model version.")
    node_budget: int = strawberry.field(
        default=limits.DEFAULT_NODE_BUDGET,
        description="Refuse (and quarantine nothing) when more nodes than this lie downstream: 1–200,000, default 50,000.")

    def start(self) -> Start:
        given = [name for name in ("dataset_version", "dataset", "model_version") if getattr(self, name) is not None]
        if len(given) != 1:
            raise InvalidInput("Give exactly one of datasetVersion, dataset (with window) and modelVersion.", field="input")
        if self.window is not None and given != ["dataset"]:
            raise InvalidInput("A window applies to a dataset's versions only.", field="window")
        if self.dataset_version is not None:
            ref = self.dataset_version
            return Start(Kinds.DATASET_VERSION.value, {"namespace": ref.namespace, "name": ref.name, "version": ref.version},
                         field="input")
        if self.model_version is not None:
            return Start(Kinds.MODEL_VERSION.value, {"model_name": self.model_version.model,
                                                     "version": self.model_version.version}, field="input")
        window = self.window
        return Start(Kinds.DATASET.value, {"namespace": self.dataset.namespace, "name": self.dataset.name},
                     window_from=window.from_ if window else None, window_to=window.to if window else None,
                     field="input")


@strawberry.input(description="The incident to release, and why.")
class ReleaseQuarantineInput:
    incident: strawberry.ID = strawberry.field(description="The incident's id.")
    note: str = strawberry.field(description="Why it is released, e.g. `false alarm: digest matched the re-delivery`.")


@strawberry.input(description="The deployment to roll back, and why.")
class RollbackDeploymentInput:
    environment: Environment = strawberry.field(description="Where it runs.")
    name: str = strawberry.field(description="Its name within the environment, e.g. `credit-scoring-api`.")
    reason: str = strawberry.field(description="Why, recorded on the switch, e.g. the incident in a few words.")
    break_glass: BreakGlassInput | None = strawberry.field(
        default=None, description="Admins only: when no earlier version passes the environment's requirements, roll "
                                  "back to the most recently served one anyway, with a written reason.")


@strawberry.type(description="What `quarantine` did.")
class Quarantine:
    incident: Incident = strawberry.field(description="The incident: opened by this call, or the OPEN one that already "
                                                      "quarantined the same start.")
    created: bool = strawberry.field(
        description="True when this call opened the incident; false when it already existed (then nothing changed).")
    flagged_count: int = strawberry.field(
        description="Dataset and model versions this call turned `quarantined` (those already quarantined not counted).")


@strawberry.type(description="What `releaseQuarantine` did.")
class QuarantineRelease:
    incident: Incident = strawberry.field(description="The incident, as it is after this call.")
    changed: bool = strawberry.field(description="False when it was already released (then nothing changed).")
    cleared_count: int = strawberry.field(
        description="Versions whose `quarantined` flag this call cleared (not those another OPEN incident covers).")


@strawberry.type(description="What `rollbackDeployment` did.")
class DeploymentRolledBack:
    deployment: Deployment = strawberry.field(description="The deployment after this call; `modelVersion` is what it serves.")
    changed: bool = strawberry.field(
        description="True when this call switched it; false when it already served a version that is not quarantined.")
    rolled_back_from: ModelVersion | None = strawberry.field(
        description="The quarantined version it served before this call; null when nothing changed.")
    incidents: list[Incident] = strawberry.field(
        description="The OPEN incidents covering the version it served, on which the rollback is recorded.")


def _union(name: str, cls, what: str):
    return Annotated[cls | InvalidInputError | NotFoundError | ConflictError | ForbiddenError,
                     strawberry.union(name, description=f"What `{what}` answers: the `{cls.__name__}`, or the error that "
                                                        "stopped it (then nothing was written).")]


QuarantineResult = _union("QuarantineResult", Quarantine, "quarantine")
ReleaseQuarantineResult = _union("ReleaseQuarantineResult", QuarantineRelease, "releaseQuarantine")
RollbackDeploymentResult = Annotated[
    DeploymentRolledBack | DeploymentRefused | InvalidInputError | NotFoundError | ConflictError | ForbiddenError,
    strawberry.union("RollbackDeploymentResult", description="What `rollbackDeployment` answers: the "
                     "`DeploymentRolledBack`, `DeploymentRefused` when no earlier version passes the environment's "
                     "requirements (each candidate with what it lacks), or the error that stopped it (then nothing "
                     "was written but, for a refusal, its audit event).")]


def _actor(info: Info) -> Actor:
    return Actor.of(info.context.principal)


async def _quarantine(info: Info, input: QuarantineInput) -> service.Quarantined:
    return await service.quarantine(info.context.db, _actor(info), input.start(), reason=input.reason,
                                    budget=input.node_budget)


@strawberry.type(description="Incident response: contain bad data or a bad model, roll deployments back, release.")
class IncidentMutation:
    @strawberry.mutation(
        description="Quarantine a dataset version, a dataset's versions created in a window, or a model version, and "
                    "everything downstream of it, in one transaction: an OPEN incident links it all and the "
                    "deployments to roll back. Idempotent: the same start while its incident is OPEN changes nothing.",
        extensions=requires(Permission.QUARANTINE))
    async def quarantine(
        self, info: Info,
        input: Annotated[QuarantineInput, strawberry.argument(description="What to quarantine, and why.")],
    ) -> QuarantineResult:
        return await answer(_quarantine(info, input), lambda r: Quarantine(
            incident=incident(r.incident), created=r.created, flagged_count=r.flagged))

    @strawberry.mutation(
        description="Release an incident: RELEASED, and `quarantined` cleared on what it covers unless another OPEN "
                    "incident covers it too. Deployments are not switched back. Idempotent.",
        extensions=requires(Permission.QUARANTINE))
    async def release_quarantine(
        self, info: Info,
        input: Annotated[ReleaseQuarantineInput, strawberry.argument(description="The incident to release, and why.")],
    ) -> ReleaseQuarantineResult:
        return await answer(
            service.release(info.context.db, _actor(info), incident_id=str(input.incident), note=input.note),
            lambda r: QuarantineRelease(incident=incident(r.incident), changed=r.changed, cleared_count=r.cleared))

    @strawberry.mutation(
        description="Switch a deployment serving a quarantined version to its previous good version: the most recently "
                    "served earlier version that passes the environment's requirements now (the policy's stages and "
                    "gate; never a quarantined version). None passing is `DeploymentRefused`. Idempotent: a "
                    "deployment serving a version that is not quarantined is left as it is.",
        extensions=requires(Permission.QUARANTINE))
    async def rollback_deployment(
        self, info: Info,
        input: Annotated[RollbackDeploymentInput, strawberry.argument(description="The deployment, and why.")],
    ) -> RollbackDeploymentResult:
        def present(r):
            if isinstance(r, Refusal):
                return deployment_refused(r)
            return DeploymentRolledBack(
                deployment=from_node(Deployment, r.deployment), changed=r.changed,
                rolled_back_from=from_node(ModelVersion, r.rolled_back_from),
                incidents=[incident(s) for s in r.incidents])

        ctx = info.context
        return await answer(
            service.rollback_deployment(ctx.db, _actor(info), policies=ctx.policies,
                                        environment=input.environment.value, name=input.name, reason=input.reason,
                                        break_glass_reason=break_glass_reason(input.break_glass)),
            present)


# --- queries ------------------------------------------------------------------------------------------


@strawberry.type(description="Incidents: what was quarantined, what it affects, what to roll back.")
class IncidentQuery:
    @strawberry.field(description="An incident by id; null when there is none.", extensions=requires(Permission.READ))
    async def incident(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="The incident's id.")],
    ) -> Incident | None:
        found = await service.incidents_by_id(info.context.db, [str(id)])
        return incident(found[str(id)]) if str(id) in found else None

    @strawberry.field(description="Incidents, oldest first, optionally only OPEN or RELEASED ones.",
                      extensions=requires(Permission.READ))
    async def incidents(
        self, info: Info,
        status: Annotated[IncidentStatus | None, strawberry.argument(
            description="Only incidents in this status; all when null.")] = None,
        first: Annotated[int, strawberry.argument(description="Page size: 1–500, default 50.")] = limits.DEFAULT_PAGE_SIZE,
        after: Annotated[str | None, strawberry.argument(
            description="Continue after this `endCursor`; null for the first page.")] = None,
    ) -> Connection[Incident]:
        summaries, has_next = await service.list_incidents(
            info.context.db, status=status.value if status else None, first=first, after=decode_cursor(after))
        edges = [Edge(node=incident(s), cursor=encode_cursor(s["incident"])) for s in summaries]
        return Connection(edges=edges, page_info=PageInfo(has_next_page=has_next,
                                                          end_cursor=edges[-1].cursor if edges else None))
