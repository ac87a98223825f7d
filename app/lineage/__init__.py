"""Impact and provenance: the traversals incident responders and compliance reviewers ask for."""
