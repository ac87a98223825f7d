// Full-text search over names, descriptions and tags of the catalog's assets, best match first,
// optionally restricted to some kinds (labels); one page after $offset.
// params: text, kinds, offset, limit
CALL db.index.fulltext.queryNodes('registry_search', $text) YIELD node, score
WITH node, score, labels(node)[0] AS kind
WHERE $kinds IS NULL OR kind IN $kinds
RETURN kind, node {.*} AS node, score
ORDER BY score DESC, node.id
SKIP $offset
LIMIT $limit
