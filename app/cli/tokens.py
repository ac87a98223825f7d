"""`lineagegraph token …`: issue, list and revoke API tokens through the registry's API.

The commands call `createApiToken`, `apiTokens` and `revokeApiToken` over HTTP (app/cli/client.py)
with the caller's own token (an admin's: they need `manage_access`), and exit with the pipeline
commands' statuses (README "Access tokens"):

  0  done
  1  refused by the registry: invalid input, an unknown team, no such token
  2  bad usage (nothing was sent)
  3  registry unreachable or unavailable: retry later
  4  unauthenticated or forbidden (not an admin)

`token create` prints the secret alone on stdout, so `export LINEAGEGRAPH_TOKEN=$(lineagegraph
token create …)` works; everything else goes to stderr. The secret is shown this once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import click

from app.cli.client import EXIT_OK
from app.cli.remote import IsoTime, Remote, exit_codes_help, iso, print_json, registry_options
from app.core.vocabulary import ROLES

TOKEN_FIELDS = "id principal description createdAt createdBy expiresAt revokedAt revokedBy"

CREATE_API_TOKEN = f"""mutation($input: CreateApiTokenInput!) {{
  createApiToken(input: $input) {{
    __typename
    ... on IssuedApiToken {{ secret token {{ {TOKEN_FIELDS} }} }}
    ... on UserError {{ code message }}
    ... on InvalidInputError {{ field }}
    ... on NotFoundError {{ kind key }}
  }} }}"""

REVOKE_API_TOKEN = f"""mutation($id: String!) {{
  revokeApiToken(id: $id) {{
    __typename
    ... on ApiToken {{ {TOKEN_FIELDS} }}
    ... on UserError {{ code message }}
    ... on InvalidInputError {{ field }}
    ... on NotFoundError {{ kind key }}
  }} }}"""

API_TOKENS = f"""query($principal: String, $first: Int!) {{
  apiTokens(principal: $principal, first: $first) {{ {TOKEN_FIELDS} }} }}"""

EXIT_CODES_HELP = exit_codes_help("done", "refused by the registry (invalid input, unknown team, no such token)",
                                  denied="unauthenticated or forbidden (these commands need an admin's token)")


@click.group("token")
def token() -> None:
    """Issue, list and revoke API tokens (admins only)."""


@token.command("create", epilog=EXIT_CODES_HELP)
@click.option("--principal", required=True, metavar="NAME",
              help="The person or pipeline the token authenticates, e.g. ana or airflow-prod (created when new).")
@click.option("--role", "roles", required=True, multiple=True, type=click.Choice(ROLES, case_sensitive=False),
              help="Its role (repeatable); replaces the roles it had.")
@click.option("--team", "teams", multiple=True, metavar="TEAM",
              help="A team it belongs to (repeatable; each must exist); replaces the teams it had.")
@click.option("--description", default=None, metavar="TEXT", help="What the token is for, e.g. 'airflow prod'.")
@click.option("--expires-at", type=IsoTime(), default=None,
              help="When the token stops working (ISO 8601; UTC unless a zone is given); default never.")
@registry_options
def token_create(principal, roles, teams, description, expires_at, **remote_options) -> None:
    """Give PRINCIPAL exactly these roles and teams, and issue it a new API token.

    The secret is printed alone on stdout, this once (only its sha256 is stored); the token's
    id, which revokes it, goes to stderr. It is sent once whatever --retries says: after a lost
    answer the token may exist, and a second try would issue another (list, then revoke or retry).

    \b
    export LINEAGEGRAPH_TOKEN=$(lineagegraph token create --principal airflow-prod \\
        --role contributor --team risk --description "airflow prod")
    """
    remote = replace(Remote.from_options(**remote_options), retries=0)
    request: dict[str, Any] = {"principal": principal, "roles": sorted({r.upper() for r in roles}),
                               "teams": list(dict.fromkeys(teams))}
    if description is not None:
        request["description"] = description
    if expires_at is not None:
        request["expiresAt"] = iso(expires_at)
    with remote.session(f"issuing a token for {principal}") as client:
        issued = client.graphql(CREATE_API_TOKEN, {"input": request})["createApiToken"]
    record = issued["token"]
    if remote.as_json:
        print_json({"ok": True, "exitCode": EXIT_OK, "secret": issued["secret"], "token": record,
                     "roles": [r.lower() for r in request["roles"]], "teams": request["teams"]})
        return
    click.echo(issued["secret"])
    click.echo(f"issued token {record['id']} for {record['principal']} (roles {', '.join(roles)}; "
               f"teams {', '.join(request['teams']) or '-'}; expires {record.get('expiresAt') or 'never'}); "
               "the secret above is shown this once", err=True)


@token.command("revoke", epilog=EXIT_CODES_HELP)
@click.argument("token_id", metavar="TOKEN_ID")
@registry_options
def token_revoke(token_id, **remote_options) -> None:
    """Revoke the API token TOKEN_ID: it authenticates nobody from now on.

    Revoking a revoked token again changes nothing. Writes with it are refused at once on every
    registry process; other processes may still answer its reads for a few seconds (their
    authentication cache).
    """
    remote = Remote.from_options(**remote_options)
    with remote.session(f"revoking token {token_id}") as client:
        record = client.graphql(REVOKE_API_TOKEN, {"id": token_id})["revokeApiToken"]
    record = {k: v for k, v in record.items() if k != "__typename"}
    if remote.as_json:
        print_json({"ok": True, "exitCode": EXIT_OK, "token": record})
        return
    click.echo(f"token {record['id']} of {record['principal']} revoked at {record['revokedAt']} "
               f"by {record['revokedBy']}")


@token.command("list", epilog=EXIT_CODES_HELP)
@click.option("--principal", default=None, metavar="NAME", help="Only this principal's tokens.")
@click.option("--first", type=click.IntRange(1, 500), default=100, show_default=True, help="How many, newest first.")
@registry_options
def token_list(principal, first, **remote_options) -> None:
    """List API tokens, newest first (never their secrets).

    One line each: id, principal, status (active, revoked or expired), created, expires,
    description.
    """
    remote = Remote.from_options(**remote_options)
    with remote.session("listing API tokens") as client:
        tokens = client.graphql(API_TOKENS, {"principal": principal, "first": first})["apiTokens"]
    if remote.as_json:
        print_json({"ok": True, "exitCode": EXIT_OK, "tokens": tokens})
        return
    if not tokens:
        click.echo("no API tokens" + (f" for {principal}" if principal else ""), err=True)
    for record in tokens:
        click.echo("\t".join([record["id"], record["principal"], _status(record), record["createdAt"],
                              record.get("expiresAt") or "never", record.get("description") or ""]))


def _status(record: dict[str, Any]) -> str:
    if record.get("revokedAt"):
        return "revoked"
    expires = record.get("expiresAt")
    if expires and datetime.fromisoformat(expires) <= datetime.now(UTC):
        return "expired"
    return "active"
