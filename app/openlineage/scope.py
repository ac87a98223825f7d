"""The team scope of OpenLineage ingestion: the rule of every other write (app/auth/scope.py), per event.

An event may create assets, and may change only assets its token's teams own (or that nobody
owns yet); admins anything. Changing an asset is any property or facet update, an ownership move,
a new version of it, recording it (or its version) as an output of the event's run, and recording
a run of a job. An event that would change another team's asset is refused whole (403 naming the
field, `outputs[0]`, `job`, `inputs[1].facets.ownership`): nothing of it is written.

Reading another team's asset is not a change: an input, a dataset a metric was measured on, a
parent run. The reading is recorded (the run `USED` the version), and nothing else of the mention
is: the facets the event carries on another team's input (documentation, schema, ownership, tags,
a model version's fields and metrics) are left out, as are its first/last-seen times — the owning
team's word on its own data stands. The version read must already be recorded: naming a version of
another team's dataset (or model) that does not exist yet would create one, which only its team may.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.auth import scope
from app.core.access import Principal
from app.core.errors import Forbidden
from app.openlineage.inputs import GraphChanges, Mention


def owner_keys(changes: Iterable[GraphChanges]) -> set[tuple[str, tuple]]:
    """Every (kind, key) whose owner or existence the scope of these events depends on."""
    keys: set[tuple[str, tuple]] = set()
    for change in changes:
        for mention in change.mentions:
            keys.add((mention.kind, mention.key))
            if mention.part is not None:
                keys.add(mention.part)
    return keys


def admit(access: Principal, changes: GraphChanges, owners: scope.Owners) -> GraphChanges:
    """The changes of one event as `access` may write them (another team's readings reduced to
    the reading itself), or `Forbidden` naming the first field that would change another team's asset."""
    if access.is_admin:
        return changes
    readings: list[Mention] = []
    for mention in changes.mentions:
        owner = _owner(mention, owners)
        problem = scope.refusal(access, owner, field=mention.where, what=_what(mention))
        if problem is not None:
            if mention.writes:
                raise problem
            if mention.part is not None and not owners.exists(*mention.part):
                raise Forbidden(
                    f"{access.name} may not record {_describe(mention.part)} of team {owner}'s {_what(mention, '')} "
                    f"({mention.where}): it is not recorded yet, and only a member of team {owner} may record a new "
                    "version. Name a recorded version, or send the event once its team has recorded it.",
                    field=mention.where)
            readings.append(mention)
            continue
        if mention.ownership:
            problem = scope.ownership_refusal(access, mention.new_owner, field=f"{mention.where}.facets.ownership")
            if problem is not None:
                raise problem
    if not readings:
        return changes
    kept = {node for mention in changes.mentions if mention not in readings for node in mention.nodes}
    left_out = {node for mention in readings for node in mention.nodes}
    left_out |= {("Team", (mention.new_owner,)) for mention in readings if mention.new_owner is not None}
    return changes.without_nodes(left_out - kept)


def establish(owners: scope.Owners, changes: GraphChanges) -> None:
    """What an admitted event makes true for the events after it in the same batch, as if they ran
    one after the other: what it writes now exists, and an asset nobody owned that it gives to a
    team is that team's (owners are read once per batch, before any event is admitted)."""
    for mention in changes.mentions:
        if not mention.writes:
            continue
        key = (mention.kind, mention.key)
        if mention.ownership and owners.owner(*key) is None:
            owners.found[key] = mention.new_owner
        owners.found.setdefault(key, None)
        if mention.part is not None:
            owners.found.setdefault(mention.part, None)


def _owner(mention: Mention, owners: scope.Owners) -> str | None:
    """The team that owns what the mention names: its asset's owner, or, when the asset is new
    but the version or run it names is recorded (a run under another job), that one's owner."""
    owner = owners.owner(mention.kind, mention.key)
    if owner is None and mention.part is not None:
        owner = owners.owner(*mention.part)
    return owner


def _what(mention: Mention, suffix: str = ", which team {owner} owns") -> str:
    label = {"Dataset": "dataset", "Job": "job", "Model": "model"}[mention.kind]
    return f"{label} {'/'.join(mention.key)}{suffix}"


def _describe(part: tuple[str, tuple]) -> str:
    kind, key = part
    return {"DatasetVersion": "version", "ModelVersion": "version", "Run": "run"}[kind] + f" {key[-1]}"
