"""Compliance out: the reviewer's dossier, and its renderings as PROV-JSON, CycloneDX and a report."""
