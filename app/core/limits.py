"""Guard rails, defined once. The GraphQL limits are module constants on purpose: the
limiter extensions are built from them once, so Strawberry's parser and validation
caches (keyed on the same rule objects) keep hitting. README "Limits" lists them."""

# GraphQL documents
MAX_QUERY_DEPTH = 15
MAX_ALIASES = 60
MAX_TOKENS = 5_000
# Fields an operation selects once its fragments are expanded (a fragment counts at every spread).
MAX_SELECTED_FIELDS = 10_000

# How deeply a JSON request body may nest (GraphQL variables need a handful of levels).
MAX_JSON_DEPTH = 64

# Pages of every list and connection
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500

# Seconds an outage answer (503/504) tells the client to wait before retrying (Retry-After).
RETRY_AFTER_SECONDS = 5

# Seconds /readyz waits for Neo4j before it answers 503.
READINESS_TIMEOUT = 2.0

# Lineage traversals (impact, provenance). The depth cap is also the literal bound in
# cypher/lineage/*.cypher (25, traversed to 26 to tell that something lies beyond).
MAX_LINEAGE_DEPTH = 25
DEFAULT_NODE_BUDGET = 50_000
MAX_NODE_BUDGET = 200_000
DEFAULT_IMPACT_PAGE = 100
