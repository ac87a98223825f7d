"""The kinds of node the catalog holds: a label and the fields of its natural key.

Labels never reach Cypher as text: a repository picks each kind's own file by the kind, and the
label here only says which GraphQL type a returned node becomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class Kind:
    label: str
    key_fields: tuple[str, ...]

    def key_of(self, node: dict) -> tuple:
        return tuple(node[field] for field in self.key_fields)

    def describe_key(self, key: dict) -> str:
        """A key as a person writes it: `s3://raw/transactions` + `2024-05-01`."""
        return "/".join(str(key[field]) for field in self.key_fields)


class Kinds(Enum):
    TEAM = Kind("Team", ("name",))
    DATASET = Kind("Dataset", ("namespace", "name"))
    DATASET_VERSION = Kind("DatasetVersion", ("namespace", "name", "version"))
    FEATURE = Kind("Feature", ("group", "name"))
    JOB = Kind("Job", ("namespace", "name"))
    RUN = Kind("Run", ("run_id",))
    MODEL = Kind("Model", ("name",))
    MODEL_VERSION = Kind("ModelVersion", ("model_name", "version"))
    DEPLOYMENT = Kind("Deployment", ("environment", "name"))


BY_LABEL = {kind.value.label: kind.value for kind in Kinds}
