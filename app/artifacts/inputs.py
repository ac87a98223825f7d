"""GraphQL inputs of artifact verification: which versions' artifacts to read and compare."""

from __future__ import annotations

import strawberry

from app.catalog.inputs import DatasetVersionRefInput, ModelVersionRefInput


@strawberry.input(description="The versions whose artifacts to verify: 1–100 model versions and dataset versions in all.")
class VerifyArtifactsInput:
    model_versions: list[ModelVersionRefInput] = strawberry.field(
        default_factory=list, description="Model versions: each one's `artifactUri` is read and compared with its "
                                          "`artifactDigest`.")
    dataset_versions: list[DatasetVersionRefInput] = strawberry.field(
        default_factory=list, description="Dataset versions: each one's `uri` is read and compared with its `digest`.")

    def model_version_refs(self) -> list[dict]:
        return [{"model_name": ref.model, "version": ref.version} for ref in self.model_versions]

    def dataset_version_refs(self) -> list[dict]:
        return [{"namespace": ref.namespace, "name": ref.name, "version": ref.version} for ref in self.dataset_versions]
