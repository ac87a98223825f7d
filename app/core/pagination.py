"""Pages and cursors, the same for every list of the API.

Lists in (createdAt, id) order page by keyset cursors (`encode_cursor` / `decode_cursor`);
ranked answers (an impact, the incidents) by offset cursors. Either is opaque to clients.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Generic, TypeVar

import strawberry

from app.core.errors import InvalidInput
from app.core.times import stored_time

T = TypeVar("T")


@strawberry.type(description="Where a page ends and whether another follows.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when another page follows this one.")
    end_cursor: str | None = strawberry.field(
        description="The cursor of this page's last item, to pass as `after`; null when the page is empty.")


@strawberry.type(description="One item of a page, with its cursor.")
class Edge(Generic[T]):
    node: T = strawberry.field(description="The item.")
    cursor: str = strawberry.field(description="An opaque position: pass it as `after` to continue after this item.")


@strawberry.type(description="A page of results in (createdAt, id) order; pass `endCursor` as `after` for the next.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page, each with its cursor.")
    page_info: PageInfo = strawberry.field(description="Whether another page follows, and the cursor to ask for it.")

    @strawberry.field(description="The nodes of this page, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def encode_cursor(node: dict) -> str:
    created = stored_time(node["created_at"])
    raw = json.dumps([created.isoformat(), node["id"]]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict | None:
    """The position a cursor points after, or None for the first page."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, node_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return {"created_at": datetime.fromisoformat(created), "id": str(node_id)}
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("after is not a cursor this API returned.", field="after") from None



def decode_offset_cursor(after: str | None) -> int:
    """The offset a cursor of a ranked answer (impact, incidents) points after; 0 for the first page."""
    if after is None:
        return 0
    try:
        return int(base64.urlsafe_b64decode(after + "=" * (-len(after) % 4)).decode().removeprefix("offset:"))
    except ValueError:
        raise InvalidInput("after is not a cursor this API returned.", field="after") from None


def offset_cursor(offset: int) -> str:
    """The cursor after `offset` items of a ranked answer."""
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")
