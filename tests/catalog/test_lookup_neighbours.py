"""A lookup with nested fields is one statement (cypher/catalog/node_with_neighbours.cypher), and
answers what the per-field loaders answer (hypothesis).

Each example writes a random registry of tests/lineage/test_lineage_properties.py's generator
(runs using and generating versions, features, fine-tunes, deployments switching over time), gives
some of its assets an owning team and some nodes stored times of every form (tests/lineage/
test_lean_node_maps.py's: the statement sends node times as ISO text), then looks up random nodes
of every kind, by id and by natural key, selecting every field `repository.FOLLOWS` knows and, under each, the fields of the node it
reaches (two levels), plus fields it does not know (which load as before). Every answer is compared
with the same document answered by the per-field DataLoaders alone (FOLLOWS emptied), and the
statements counted.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, note, settings, strategies as st

from app.catalog import repository, service
from app.core.actor import Actor
from bench.lookup import TWO_LEVELS_GQL
from tests.lineage.conftest import service_calls  # noqa: F401 (the fixture)
from tests.lineage.test_lean_node_maps import restamps
from tests.lineage.test_lineage_properties import JOB, plans, write

ROOTS = {"Team": "team", "Dataset": "dataset", "DatasetVersion": "datasetVersion", "Feature": "feature",
         "Job": "job", "Run": "run", "Model": "model", "ModelVersion": "modelVersion", "Deployment": "deployment"}
# The natural-key arguments of each root lookup: (argument, property).
KEY_ARGS = {"Team": [("name", "name")], "Dataset": [("namespace", "namespace"), ("name", "name")],
            "DatasetVersion": [("namespace", "namespace"), ("name", "name"), ("version", "version")],
            "Feature": [("group", "group"), ("name", "name")], "Job": [("namespace", "namespace"), ("name", "name")],
            "Run": [("runId", "run_id")], "Model": [("name", "name")],
            "ModelVersion": [("model", "model_name"), ("version", "version")],
            "Deployment": [("environment", "environment"), ("name", "name")]}
# What every node shows of itself: enough to tell nodes apart and see their order.
SCALARS = "__typename id createdAt"
UNION_MEMBERS = "__typename ... on Record { id createdAt }"
# Fields FOLLOWS does not answer, asked alongside: they must still load (and load the same).
OTHERS = {"ModelVersion": "stageHistory { stage } metrics { metric value }", "Deployment": "servingHistory { since }",
          "Run": "parameters { name }"}


def selection(label: str, depth: int, others: bool = True) -> str:
    """Every field FOLLOWS knows of `label`, `depth` levels down, with the other fields beside."""
    parts = [SCALARS, OTHERS.get(label, "") if others else ""]
    for field, follow in repository.FOLLOWS.get(label, {}).items():
        if follow.reaches is None:
            parts.append(f"{field} {{ {UNION_MEMBERS} }}")
        elif depth > 1:
            parts.append(f"{field} {{ {selection(follow.reaches, depth - 1, others)} }}")
        else:
            parts.append(f"{field} {{ {SCALARS} }}")
    return " ".join(p for p in parts if p)


def document(label: str, props: dict, by: str, depth: int, others: bool = True) -> str:
    if by == "id":
        args = f"id: {json.dumps(props['id'])}"
    else:
        args = ", ".join(f"{arg}: {props[prop].upper() if arg == 'environment' else json.dumps(props[prop])}"
                         for arg, prop in KEY_ARGS[label])
    return f"{{ {ROOTS[label]}({args}) {{ {selection(label, depth, others)} }} }}"


async def give_owners(db, owned: dict[str, list[dict]]) -> None:
    """A team owning the job and the given datasets and models (the rest stay unowned)."""
    actor = Actor.of("property-test")
    await service.register_team(db, actor, name="owners")
    await service.register_job(db, actor, namespace=JOB[0], name=JOB[1], owner="owners")
    for props in owned["Dataset"]:
        await service.register_dataset(db, actor, namespace=props["namespace"], name=props["name"], owner="owners")
    for props in owned["Model"]:
        await service.register_model(db, actor, name=props["name"], owner="owners")


@pytest.fixture
def answers(client, gql, monkeypatch):
    """`answers(document)`: (the answer, statements it took) with the one-statement lookup, then the
    same with the per-field loaders alone."""

    def ask(doc: str, variables: dict | None = None):
        db = client.app.state.db
        before = db.statements_run
        one = gql(doc, variables)
        used = db.statements_run - before
        with monkeypatch.context() as m:
            m.setattr(repository, "FOLLOWS", {})
            before = db.statements_run
            loaders = gql(doc, variables)
            used_before = db.statements_run - before
        return one, used, loaders, used_before

    return ask


def registry_with_owners(graph, service_calls, data) -> list[tuple[str, dict]]:
    """A random registry written through the services, some datasets and models owned: its nodes."""
    plan = data.draw(plans(), label="registry")
    graph("admin.wipe_registry")
    service_calls(lambda db: write(db, plan))
    of = {kind: sorted((row["props"] for row in graph("admin.all_nodes") if row["labels"][0] == kind),
                       key=lambda p: p["id"]) for kind in ("Dataset", "Model")}
    owned = {kind: data.draw(st.lists(st.sampled_from(of[kind]), unique_by=lambda p: p["id"]), label=f"{kind} owned")
             if of[kind] else [] for kind in of}
    service_calls(lambda db: give_owners(db, owned))
    # Times of every form a stored DateTime takes (offsets, zone ids, 0–9 fractional digits): the
    # statement sends them as ISO text, and relations ordered by time must still be in instant order.
    ids = sorted(row["props"]["id"] for row in graph("admin.all_nodes") if row["labels"][0] in ROOTS)
    graph("lineage.test_restamp_times", rows=data.draw(restamps(ids), label="times"))
    return sorted(((row["labels"][0], row["props"]) for row in graph("admin.all_nodes") if row["labels"][0] in ROOTS),
                  key=lambda n: n[1]["id"])


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_a_lookup_answers_what_the_per_field_loaders_answer(graph, service_calls, answers, data):
    nodes = registry_with_owners(graph, service_calls, data)
    asked = data.draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=8), label="lookups")
    for label, props in asked:
        by = data.draw(st.sampled_from(["id", "key"]), label="by")
        depth = data.draw(st.sampled_from([1, 2, 3]), label="depth")
        others = data.draw(st.booleans(), label="other fields")
        doc = document(label, props, by, depth, others)
        note(doc)
        one, used, loaders, used_before = answers(doc)
        assert "errors" not in one, one
        assert one == loaders
        assert one["data"][ROOTS[label]]["id"] == props["id"]
        if depth <= 2 and not others:
            assert used == 1, f"{used} statements (the loaders took {used_before})"
    for props in (p for label, p in nodes if label == "ModelVersion"):
        one, used, loaders, used_before = answers(TWO_LEVELS_GQL, {"model": props["model_name"],
                                                                  "version": props["version"]})
        assert one == loaders and one["data"]["modelVersion"]["id"] == props["id"]
        assert used == 1, f"the two-level lookup took {used} statements (the loaders {used_before})"


def test_a_lookup_of_nothing_is_null_in_one_statement(graph, answers):
    one, used, loaders, _ = answers(document("ModelVersion", {"model_name": "none", "version": "1"}, "key", 2))
    assert one == loaders == {"data": {"modelVersion": None}}
    assert used == 1
