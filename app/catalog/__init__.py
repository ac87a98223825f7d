"""The registry catalog: every asset a node, registered and read through GraphQL."""
