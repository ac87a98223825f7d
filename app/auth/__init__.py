"""Authentication (bearer API tokens) and authorization (roles, permissions, team scope)."""
