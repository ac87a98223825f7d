"""GraphQL inputs of incident response: what to quarantine, release or roll back, and why."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.catalog.inputs import BreakGlassInput, DatasetRefInput, DatasetVersionRefInput, ModelVersionRefInput
from app.catalog.types import Environment
from app.core import limits
from app.core.errors import InvalidInput
from app.core.kinds import Kinds
from app.lineage.service import Start


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
