"""The kinds of node the catalog holds, and the names of the queries that read them.

Labels never reach Cypher as text: each kind names its own query files, and the
label here only says which GraphQL type a returned node becomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class Kind:
    label: str
    key_fields: tuple[str, ...]
    plural: str  # the query files' stem: get_<plural>_by_id, get_<plural>_by_key, list_<plural>

    @property
    def by_id_query(self) -> str:
        return f"catalog.get_{self.plural}_by_id"

    @property
    def by_key_query(self) -> str:
        return f"catalog.get_{self.plural}_by_key"

    @property
    def list_query(self) -> str:
        return f"catalog.list_{self.plural}"

    def key_of(self, node: dict) -> tuple:
        return tuple(node[field] for field in self.key_fields)

    def describe_key(self, key: dict) -> str:
        """A key as a person writes it: `s3://raw/transactions` + `2024-05-01`."""
        return "/".join(str(key[field]) for field in self.key_fields)


class Kinds(Enum):
    TEAM = Kind("Team", ("name",), "teams")
    DATASET = Kind("Dataset", ("namespace", "name"), "datasets")
    DATASET_VERSION = Kind("DatasetVersion", ("namespace", "name", "version"), "dataset_versions")
    FEATURE = Kind("Feature", ("group", "name"), "features")
    JOB = Kind("Job", ("namespace", "name"), "jobs")
    RUN = Kind("Run", ("run_id",), "runs")
    MODEL = Kind("Model", ("name",), "models")
    MODEL_VERSION = Kind("ModelVersion", ("model_name", "version"), "model_versions")
    DEPLOYMENT = Kind("Deployment", ("environment", "name"), "deployments")


BY_LABEL = {kind.value.label: kind.value for kind in Kinds}
