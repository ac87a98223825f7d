"""The per-request DataLoader registry: nested fields cost one query per kind of field, not one per item."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from strawberry.dataloader import DataLoader


class RequestLoaders:
    """Created per request (so nothing cached leaks between callers); each loader is made on first
    use under its name and shared by every field of the response."""

    def __init__(self) -> None:
        self._loaders: dict[Hashable, DataLoader] = {}

    def batched(self, name: Hashable, load: Callable[[list[Any]], Awaitable[list[Any]]]) -> DataLoader:
        """The request's loader called `name`, batching its keys into one `load(keys) -> values` call."""
        loader = self._loaders.get(name)
        if loader is None:
            loader = self._loaders[name] = DataLoader(load_fn=load, max_batch_size=1000)
        return loader
