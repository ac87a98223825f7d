"""Artifact verification: each version's artifact read from its store and its digest compared with the recorded one."""
