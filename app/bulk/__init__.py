"""The bulk import of an existing registry: its file format, rules and statements."""
