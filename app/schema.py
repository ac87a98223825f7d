"""The root GraphQL schema, composed from each domain's queries and mutations."""

from __future__ import annotations

import strawberry
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.tools import merge_types

from app import limits
from app.system.types import SystemQuery

Query = merge_types("Query", (SystemQuery,))


class RegistrySchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        # The HTTP view logs the unexpected ones with their request id (graphql_errors);
        # client mistakes (bad input, unknown ids) are answers, not server errors to log.
        return None


# Built once: the limiters' validation rules are then the same objects on every
# request, which is what lets ValidationCache recognise a document it has seen.
_GUARD_RAILS = [
    QueryDepthLimiter(max_depth=limits.MAX_QUERY_DEPTH),
    MaxAliasesLimiter(max_alias_count=limits.MAX_ALIASES),
    MaxTokensLimiter(max_token_count=limits.MAX_TOKENS),
]

schema = RegistrySchema(
    query=Query,
    extensions=[
        *_GUARD_RAILS,
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
    ],
)
