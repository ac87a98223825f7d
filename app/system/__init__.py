"""The service about itself: versions, schema state, what the graph holds."""
