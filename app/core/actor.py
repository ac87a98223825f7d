"""Who is changing the registry and when: every write use case of every domain takes one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app.core import validation as v
from app.core.access import SYSTEM, Principal


@dataclass(frozen=True)
class Actor:
    """Who is changing the registry, and the time the change is stamped with. `access` holds the
    caller's teams and roles for the team scope of writes (the registry itself acts as SYSTEM);
    `clock_skew`, how far ahead of `now` a time the caller reports may be (Settings.max_clock_skew)."""

    principal: str
    now: datetime
    access: Principal = SYSTEM
    clock_skew: timedelta = timedelta(minutes=5)

    @classmethod
    def of(cls, principal: str | Principal, *, clock_skew: timedelta | None = None) -> Actor:
        skew = {} if clock_skew is None else {"clock_skew": clock_skew}
        if isinstance(principal, Principal):
            return cls(principal=principal.name, now=datetime.now(UTC), access=principal, **skew)
        return cls(principal=principal, now=datetime.now(UTC), **skew)

    def stamp(self) -> dict[str, Any]:
        return {"now": self.now, "principal": self.principal}

    def happened(self, field_name: str, at: datetime | None) -> datetime:
        """When something the caller reports happened: `now` unless said, never in the future."""
        return v.happened_at(field_name, at, self.now, skew=self.clock_skew)
