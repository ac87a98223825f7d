"""lineagegraph: the internal AI registry over a Neo4j lineage graph."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lineagegraph")
except PackageNotFoundError:  # running from a checkout without an install
    __version__ = "0.0.0+checkout"
