"""GraphQL inputs of the audit trail: whose history to read."""

from __future__ import annotations

import strawberry


@strawberry.input(description="Whose history: a record's `id`, or a `kind` and natural `key` as audit events "
                              "name them (`Dataset` + `s3://raw/transactions`; `Operation` + `registerDataset` "
                              "for denied attempts at an operation). Give `id`, or both `kind` and `key`.")
class AuditTargetInput:
    id: strawberry.ID | None = strawberry.field(default=None, description="The record's id.")
    kind: str | None = strawberry.field(default=None, description="A node label (Dataset, ModelVersion …) or Operation.")
    key: str | None = strawberry.field(default=None, description="The natural key as text, parts joined by `/` "
                                                                 "(`credit-scoring/1.0.0` for a model version).")
