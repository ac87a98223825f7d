"""GraphQL inputs of lineage: where an impact, provenance or lineage question starts."""

from __future__ import annotations

import strawberry

from app.catalog.inputs import DatasetRefInput, DatasetVersionRefInput, FeatureRefInput, ModelVersionRefInput
from app.catalog.types import Environment
from app.core.errors import InvalidInput
from app.core.kinds import Kinds
from app.lineage import service


@strawberry.input(description="Where an impact question starts: give exactly one.", one_of=True)
class ImpactStartInput:
    dataset: DatasetRefInput | None = strawberry.field(
        default=strawberry.UNSET, description="Every version of a dataset (or those in `createdAfter`/`createdBefore`).")
    dataset_version: DatasetVersionRefInput | None = strawberry.field(default=strawberry.UNSET, description="One dataset version.")
    feature: FeatureRefInput | None = strawberry.field(default=strawberry.UNSET, description="A feature.")
    run_id: str | None = strawberry.field(default=strawberry.UNSET, description="A run, by its run id.")
    model_version: ModelVersionRefInput | None = strawberry.field(default=strawberry.UNSET, description="A model version.")


@strawberry.input(description="A deployment by natural key.")
class DeploymentRefInput:
    environment: Environment = strawberry.field(description="Where it runs.")
    name: str = strawberry.field(description="Its name within the environment, e.g. `fraud-api`.")


@strawberry.input(description="Where a provenance question starts: give exactly one.", one_of=True)
class ProvenanceStartInput:
    model_version: ModelVersionRefInput | None = strawberry.field(default=strawberry.UNSET, description="A model version.")
    deployment: DeploymentRefInput | None = strawberry.field(
        default=strawberry.UNSET, description="A deployment, with the model version it serves (served, with `asOf`).")


@strawberry.input(description="Any catalog node by natural key: give exactly one.", one_of=True)
class LineageStartInput:
    dataset: DatasetRefInput | None = strawberry.field(default=strawberry.UNSET, description="A dataset.")
    dataset_version: DatasetVersionRefInput | None = strawberry.field(default=strawberry.UNSET, description="A dataset version.")
    feature: FeatureRefInput | None = strawberry.field(default=strawberry.UNSET, description="A feature.")
    run_id: str | None = strawberry.field(default=strawberry.UNSET, description="A run, by its run id.")
    model: str | None = strawberry.field(default=strawberry.UNSET, description="A model, by name.")
    model_version: ModelVersionRefInput | None = strawberry.field(default=strawberry.UNSET, description="A model version.")
    deployment: DeploymentRefInput | None = strawberry.field(default=strawberry.UNSET, description="A deployment.")


def start_of(of: ImpactStartInput | ProvenanceStartInput | LineageStartInput, window_from=None,
           window_to=None) -> service.Start:
    given = {name: value for name, value in vars(of).items() if value is not strawberry.UNSET and value is not None}
    if len(given) != 1:
        raise InvalidInput("Give exactly one start.", field="of")
    (name, value), = given.items()
    if window_from is not None or window_to is not None:
        if name != "dataset":
            raise InvalidInput("A time window applies to a dataset's versions only.", field="createdAfter")
    key = {
        "dataset": lambda: (Kinds.DATASET, {"namespace": value.namespace, "name": value.name}),
        "dataset_version": lambda: (Kinds.DATASET_VERSION, {"namespace": value.namespace, "name": value.name,
                                                            "version": value.version}),
        "feature": lambda: (Kinds.FEATURE, {"group": value.group, "name": value.name}),
        "run_id": lambda: (Kinds.RUN, {"run_id": value}),
        "model_version": lambda: (Kinds.MODEL_VERSION, {"model_name": value.model, "version": value.version}),
        "deployment": lambda: (Kinds.DEPLOYMENT, {"environment": value.environment.value, "name": value.name}),
        "model": lambda: (Kinds.MODEL, {"name": value}),
    }[name]
    kind, key_values = key()
    return service.Start(kind=kind.value, key=key_values, window_from=window_from, window_to=window_to)
