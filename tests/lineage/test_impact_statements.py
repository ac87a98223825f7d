"""The impact statement computes only what a request selects, and answers as the full one did.

`cypher/lineage/impact.cypher` was reworked for speed (owners looked up per distinct parent, a
top-k page instead of a sort of the whole answer, paths only when asked for, the closing time read
only on SERVES edges) and takes two more parameters: `owners` and `paths` (NONE, EDGES, NAMED). The
reference is the statement as it stood before, kept verbatim in
tests/cypher/lineage/test_impact_reference.cypher. On random registries (test_lineage_properties'
plans, written through the catalog's service layer, with owners added) both are asked the same
random questions — any start kind, windows, `asOf` in the past or now, depth and budget cuts, kind
and environment filters, small pages beyond the first — and must give the same row: counts, owners
(when asked for), cut flags, the listed count, and the page item for item. Paths: the same, or
(when several shortest paths exist and the two plans found different ones) an equally long one that
held at `asOf` by the independent model; unnamed (EDGES) or absent (NONE) when not asked for.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, note, settings, strategies as st

from app.catalog import service
from app.core.actor import Actor
from app.lineage.service import PATHS_EDGES, PATHS_NAMED, PATHS_NONE
from tests.lineage import registry_model as model
from tests.lineage.registry_model import NOW
from tests.lineage.test_lineage_properties import JOB, NAMESPACE, Plan, at, plans, write

KINDS = ["Deployment", "ModelVersion", "Model", "Run", "Feature", "DatasetVersion"]
TEAMS = ["team-a", "team-b"]


async def add_owners(db, plan: Plan, owners: dict[str, str | None]) -> None:
    """Teams, and an owner (or none) for each dataset, model and the job: what the owners pass reads."""
    actor = Actor(principal="property-test", now=at(plan.end + 1))
    for team in TEAMS:
        await service.register_team(db, actor, name=team)
    for key, owner in owners.items():
        if owner is None:
            continue
        if key.startswith("Dataset:"):
            await service.register_dataset(db, actor, namespace=NAMESPACE, name=key.rsplit("/", 1)[1], owner=owner)
        elif key.startswith("Model:"):
            await service.register_model(db, actor, name=key.removeprefix("Model:"), owner=owner)
        else:
            await service.register_job(db, actor, namespace=JOB[0], name=JOB[1], owner=owner)


@st.composite
def questions(draw, plan: Plan, ids: dict[str, str]):
    reg = plan.reg
    kind = draw(st.sampled_from(["DatasetVersion", "Dataset", "Run", "Feature", "ModelVersion"]))
    candidates = [k for k in reg.of_kind(kind) if k in ids.values()] or [
        k for k in reg.of_kind("DatasetVersion") if k in ids.values()]
    start = draw(st.sampled_from(candidates))
    window_from = window_to = None
    if reg.kinds[start] == "Dataset":
        window_from = draw(st.one_of(st.none(), st.integers(0, plan.end + 1)))
        window_to = draw(st.one_of(st.none(), st.integers((window_from or 0) + 1, plan.end + 2)))
    as_of = draw(st.one_of(st.none(), st.integers(-1, plan.end + 1)))
    return {
        "start": start, "window_from": window_from, "window_to": window_to, "as_of": as_of,
        "max_depth": draw(st.one_of(st.just(25), st.integers(1, 4))),
        "budget": draw(st.one_of(st.just(50_000), st.integers(1, 8))),
        "kinds": draw(st.one_of(st.none(), st.lists(st.sampled_from(KINDS), min_size=1, max_size=3, unique=True))),
        "environment": draw(st.sampled_from([None, "production", "staging"])),
        "offset": draw(st.one_of(st.just(0), st.integers(0, 6))),
        "limit": draw(st.one_of(st.just(500), st.integers(1, 4))),
        "owners": draw(st.booleans()),
        "paths": draw(st.sampled_from([PATHS_NONE, PATHS_EDGES, PATHS_NAMED])),
    }


def check(run_cypher, plan: Plan, ids: dict[str, str], q: dict) -> None:
    reg = plan.reg
    node_id = {key: graph_id for graph_id, key in ids.items()}
    now = datetime.now(UTC)
    params = {"start_id": node_id[q["start"]], "window_from": None if q["window_from"] is None else at(q["window_from"]),
              "window_to": None if q["window_to"] is None else at(q["window_to"]),
              "as_of": now if q["as_of"] is None else at(q["as_of"]), "max_depth": q["max_depth"],
              "budget": q["budget"], "kinds": q["kinds"], "environment": q["environment"], "offset": q["offset"],
              "limit": q["limit"]}
    [ref] = run_cypher("lineage.test_impact_reference", **params)
    [new] = run_cypher("lineage.impact", **params, owners=q["owners"], paths=q["paths"])
    note(f"question {q}\nreference {ref}\nnew {new}")
    for column in ("start_count", "budget_cut", "depth_cut"):
        assert new[column] == ref[column], column
    assert sorted(new["owners"]) == (sorted(ref["owners"]) if q["owners"] else [])
    if ref["budget_cut"]:
        # Which of the nodes at the cut's depth stay is the traversal's order: only what the budget
        # fixes must agree (how many, and each kept node at its depth in the whole answer).
        assert sum(c["count"] for c in new["counts"]) == sum(c["count"] for c in ref["counts"]) == q["budget"]
        [whole] = run_cypher("lineage.test_impact_reference", **{**params, "budget": 50_000, "offset": 0,
                                                                  "limit": 500, "kinds": None, "environment": None})
        depth_of = {item["node"]["id"]: item["depth"] for item in whole["items"]}
        assert len(new["items"]) == len(ref["items"])
        assert all(depth_of[item["node"]["id"]] == item["depth"] for item in new["items"])
        return
    assert new["counts"] == ref["counts"]
    assert new["listed_count"] == ref["listed_count"]
    assert [(i["kind"], i["node"], i["depth"]) for i in new["items"]] == [
        (i["kind"], i["node"], i["depth"]) for i in ref["items"]]
    when = NOW if q["as_of"] is None else q["as_of"]
    starts = ({q["start"]} if reg.kinds[q["start"]] != "Dataset"
              else model.window_starts(reg, q["start"], q["window_from"], q["window_to"], when))
    for got, was in zip(new["items"], ref["items"]):
        if q["paths"] == PATHS_NONE:
            assert got["path_nodes"] == got["path_edges"] == []
            continue
        if q["paths"] == PATHS_EDGES:
            assert got["path_nodes"] == []
            if got["path_edges"] != was["path_edges"]:  # another shortest path: as long
                assert len(got["path_edges"]) == len(was["path_edges"]) == got["depth"]
            continue
        if (got["path_nodes"], got["path_edges"]) != (was["path_nodes"], was["path_edges"]):
            nodes = [ids[n["id"]] for n in got["path_nodes"]]
            problems = model.path_problems(reg, starts, ids[got["node"]["id"]], got["depth"], nodes,
                                           got["path_edges"], when)
            assert not problems, problems
        named = {n["id"]: n for n in was["path_nodes"]}
        assert all(named.get(n["id"], n) == n for n in got["path_nodes"]), "a path node named otherwise"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_the_impact_statement_answers_as_the_full_reference(graph, service_calls, data):
    plan = data.draw(plans(), label="registry")
    owners = {key: data.draw(st.sampled_from([None, *TEAMS]), label=f"owner of {key}")
              for key in [*plan.reg.of_kind("Dataset"), *plan.reg.of_kind("Model"), "Job"]}
    graph("admin.wipe_registry")
    ids = service_calls(lambda db: write(db, plan))
    service_calls(lambda db: add_owners(db, plan, owners))
    for q in data.draw(st.lists(questions(plan, ids), min_size=1, max_size=8), label="questions"):
        check(graph, plan, ids, q)
