"""Incident response: quarantine what is downstream of bad data, roll deployments back, release."""
