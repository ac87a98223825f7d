"""A small but real MLflow tracking store, made with the mlflow package the way a data scientist
would: SQLite backend store and a file artifact root, both under a test's tmp_path."""

from __future__ import annotations

import contextlib
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

REPO_URL = "https://git.example.com/risk/credit-scoring.git"
COMMIT_A = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"
COMMIT_B = "89abcdef0123456789abcdef0123456789abcdef"
EXPERIMENT = "credit-scoring-training"
MODEL = "credit-scoring"


@dataclass
class Store:
    tracking_uri: str
    artifact_root: Path
    experiment_id: str = ""
    runs: dict[str, str] = field(default_factory=dict)  # label → MLflow run id
    digests: dict[str, str] = field(default_factory=dict)  # dataset label → MLflow digest


@contextlib.contextmanager
def _tracking(uri: str):
    """Point mlflow's fluent API at the store, and back where it was afterwards."""
    import mlflow

    # mlflow.set_*_uri also export MLFLOW_TRACKING_URI / MLFLOW_REGISTRY_URI; put them back too,
    # or the importer under test would read them as its --tracking-uri / --model-registry-uri.
    saved = {name: os.environ.get(name) for name in ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")}
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    try:
        yield mlflow
    finally:
        mlflow.set_tracking_uri(saved["MLFLOW_TRACKING_URI"])
        mlflow.set_registry_uri(saved["MLFLOW_REGISTRY_URI"])
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def build_store(root: Path) -> Store:
    """One experiment; runs `baseline` and `tuned` (parameters, metrics, git source tags, a training
    and an evaluation dataset input, each registering a version of `credit-scoring`; `tuned` also
    reads `customers`, logged by reference with a schema), and a failed `broken` run with
    parameters only. Alias `champion` on version 2, `challenger` on version 1."""
    import mlflow
    import numpy as np
    import pandas as pd
    from mlflow.data.http_dataset_source import HTTPDatasetSource
    from mlflow.data.meta_dataset import MetaDataset
    from mlflow.types import ColSpec, DataType, Schema

    root.mkdir(parents=True, exist_ok=True)
    store = Store(tracking_uri=f"sqlite:///{root / 'mlflow.db'}", artifact_root=root / "artifacts")

    with _tracking(store.tracking_uri), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MLflow's advice (type hints, cloudpickle) is not for this test

        class Scorer(mlflow.pyfunc.PythonModel):
            def predict(self, context, model_input: list[float], params=None) -> list[float]:
                return model_input

        client = mlflow.MlflowClient()
        store.experiment_id = client.create_experiment(EXPERIMENT, artifact_location=store.artifact_root.as_uri())
        holdout = mlflow.data.from_numpy(np.linspace(0.0, 1.0, 8), source="/data/credit/holdout.npy", name="holdout")
        store.digests["holdout"] = holdout.digest
        # A dataset logged by reference, with its columns: MLflow keeps its schema.
        customers = MetaDataset(HTTPDatasetSource("https://data.example.com/crm/customers.csv"), name="customers",
                                schema=Schema([ColSpec(DataType.string, "customer_id"),
                                               ColSpec(DataType.double, "income")]))
        store.digests["customers"] = customers.digest
        for label, commit, params, auc, rows in (
                ("baseline", COMMIT_A, {"max_depth": 4, "eta": 0.3}, 0.81, 3),
                ("tuned", COMMIT_B, {"max_depth": 6, "eta": 0.1}, 0.86, 4)):
            train = pd.DataFrame({"amount": [12.5 * i for i in range(rows)],
                                  "customer_id": [f"c{i}" for i in range(rows)],
                                  "label": [i % 2 for i in range(rows)]})
            dataset = mlflow.data.from_pandas(train, source="s3://raw/transactions.parquet", name="transactions",
                                              targets="label")
            store.digests[f"transactions-{label}"] = dataset.digest
            tags = {"mlflow.source.git.commit": commit, "mlflow.source.git.repoURL": REPO_URL,
                    "mlflow.source.git.branch": "main"}
            with mlflow.start_run(experiment_id=store.experiment_id, run_name=label, tags=tags) as run:
                mlflow.log_params(params)
                mlflow.log_metrics({"auc": auc, "val/loss": 1 - auc})
                mlflow.log_input(dataset, context="training")
                mlflow.log_input(holdout, context="eval")
                if label == "tuned":
                    mlflow.log_input(customers, context="training")
                mlflow.pyfunc.log_model(name="model", python_model=Scorer(), registered_model_name=MODEL,
                                        pip_requirements=[])
            store.runs[label] = run.info.run_id
        with mlflow.start_run(experiment_id=store.experiment_id, run_name="broken") as run:
            mlflow.log_param("max_depth", 12)
            mlflow.end_run(status="FAILED")
        store.runs["broken"] = run.info.run_id
        client.set_registered_model_alias(MODEL, "champion", "2")
        client.set_registered_model_alias(MODEL, "challenger", "1")
        client.update_model_version(MODEL, "2", description="Tuned on the March snapshot.")
        client.set_model_version_tag(MODEL, "2", "validated", "true")
    return store
