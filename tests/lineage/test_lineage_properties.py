"""Impact and provenance hold to an independent model on random registries (hypothesis).

Each example writes a random registry through the catalog's service layer, every write dated
with the time it happened (`Actor(now=…)`): datasets with versions, runs that use dataset
versions, features and model versions and generate new ones, features derived from dataset
versions, fine-tunes, deployments whose SERVES switches over time, and lineage recorded late.
It then asks `impact` (random starts, windows and `asOf`) and `provenance` (model versions and
deployments at random `asOf`) through GraphQL and compares every answer with the breadth-first
computation of `registry_model`, which reads the generated plan, never the graph.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, note, settings, strategies as st

from app.catalog import service
from app.catalog.service import DatasetVersionRef, FeatureRef, ModelVersionInput, ModelVersionRef, RunIO
from app.core.actor import Actor
from app.core.db import Database
from tests.lineage import registry_model as model
from tests.lineage.registry_model import NOW, Registry
from tests.lineage.support import UNGATED

T0 = datetime(2025, 1, 6, tzinfo=UTC)
NAMESPACE = "s3://raw"
JOB = ("airflow", "pipeline")
DATASETS = ["d0", "d1"]
MODELS = ["m0", "m1"]
DEPLOYMENTS = [("production", "api"), ("staging", "api")]
LICENSES = [None, "Apache-2.0", "CC-BY-NC-4.0"]
PRIVACY = [None, "PUBLIC", "PII"]


def at(t: float) -> datetime:
    return T0 + timedelta(hours=t)


# --- the generated plan ---------------------------------------------------------------------------


@dataclass
class Step:
    t: int
    op: str
    node: str | None = None              # the new node (raw version, run, feature, fine-tune)
    inputs: list[str] = field(default_factory=list)   # used / derived-from / parents
    outputs: list[str] = field(default_factory=list)  # a run's new dataset and model versions


@dataclass
class Plan:
    reg: Registry
    steps: list[Step]
    end: int

    def __repr__(self) -> str:  # hypothesis prints it for a failing example: the steps say it all
        return "Plan(" + "; ".join(f"t{s.t} {s.op} {s.node} {s.inputs} {s.outputs}" for s in self.steps) + ")"


def dataset_key(name: str) -> str:
    return f"Dataset:{NAMESPACE}/{name}"


@st.composite
def plans(draw) -> Plan:
    """A random registry, built step by step in time order. Every link points from a node made
    later to one made earlier, so lineage is acyclic, as recorded history is."""
    reg = Registry()
    for name in DATASETS:
        key = reg.add(dataset_key(name), "Dataset")
        reg.licenses[key] = draw(st.sampled_from(LICENSES))
        reg.privacy[key] = draw(st.sampled_from(PRIVACY))
    for name in MODELS:
        reg.add(f"Model:{name}", "Model")
    for env, name in DEPLOYMENTS:
        reg.add(f"Deployment:{env}/{name}", "Deployment")
    order: list[str] = []  # lineage nodes in creation order
    steps: list[Step] = []
    t = 0

    def some(candidates: list[str], low: int, high: int) -> list[str]:
        if not candidates:
            return []
        return draw(st.lists(st.sampled_from(candidates), min_size=min(low, len(candidates)),
                             max_size=min(high, len(candidates)), unique=True))

    def new_dataset_version(i: int, suffix: str = "") -> str:
        dataset = dataset_key(draw(st.sampled_from(DATASETS)))
        key = reg.add(f"DatasetVersion:{dataset.removeprefix('Dataset:')}@v{i}{suffix}", "DatasetVersion")
        reg.version_of[key], reg.created[key] = dataset, t
        return key

    def new_model_version(i: int, suffix: str = "") -> str:
        name = draw(st.sampled_from(MODELS))
        key = reg.add(f"ModelVersion:{name}:{i}{suffix}", "ModelVersion")
        reg.version_of[key] = f"Model:{name}"
        return key

    def of_kinds(*kinds: str, before: str | None = None) -> list[str]:
        upto = order[: order.index(before)] if before else order
        return [n for n in upto if reg.kinds[n] in kinds]

    for i in range(draw(st.integers(2, 14))):
        t += draw(st.integers(1, 2))
        op = draw(st.sampled_from(["raw", "run", "run", "feature", "finetune", "late_inputs", "late_parents",
                                   "serve", "serve", "serve"]))
        if op == "raw" or not order:
            key = new_dataset_version(i)
            order.append(key)
            steps.append(Step(t, "raw", key))
        elif op == "run":
            run = reg.add(f"Run:r{i}", "Run")
            used = some(of_kinds("DatasetVersion", "Feature", "ModelVersion"), 0, 3)
            outputs = [new_dataset_version(i, f"-{j}") for j in range(draw(st.integers(0, 2)))]
            outputs += [new_model_version(i, "-m") for _ in range(draw(st.integers(0, 1)))]
            for x in used:
                reg.link(run, "USED", x, t)
            for x in outputs:
                reg.link(x, "WAS_GENERATED_BY", run, t)
            order += [run, *outputs]
            steps.append(Step(t, "run", run, used, outputs))
        elif op == "feature" and of_kinds("DatasetVersion"):
            feature = reg.add(f"Feature:g/f{i}", "Feature")
            # mostly snapshots; sometimes a dataset as a whole (a raw source unless a run made it)
            sources = some(of_kinds("DatasetVersion"), 1, 2) + some(reg.of_kind("Dataset"), 0, 1)
            for x in sources:
                reg.link(feature, "WAS_DERIVED_FROM", x, t)
            order.append(feature)
            steps.append(Step(t, "feature", feature, sources))
        elif op == "finetune" and of_kinds("ModelVersion"):
            child = new_model_version(i)
            parents = some(of_kinds("ModelVersion"), 1, 2)
            for x in parents:
                reg.link(child, "WAS_DERIVED_FROM", x, t)
            order.append(child)
            steps.append(Step(t, "finetune", child, parents))
        elif op == "late_inputs" and of_kinds("Run"):
            run = draw(st.sampled_from(of_kinds("Run")))
            used = some(of_kinds("DatasetVersion", "Feature", "ModelVersion", before=run), 1, 2)
            for x in used:
                reg.link(run, "USED", x, t)
            steps.append(Step(t, "late_inputs", run, used))
        elif op == "late_parents" and len(of_kinds("ModelVersion")) > 1:
            child = draw(st.sampled_from(of_kinds("ModelVersion")[1:]))
            parents = some(of_kinds("ModelVersion", before=child), 1, 1)
            for x in parents:
                reg.link(child, "WAS_DERIVED_FROM", x, t)
            steps.append(Step(t, "late_parents", child, parents))
        elif op == "serve" and of_kinds("ModelVersion"):
            deployment = draw(st.sampled_from(reg.of_kind("Deployment")))
            version = draw(st.sampled_from(of_kinds("ModelVersion")))
            reg.serve(deployment, version, t)
            steps.append(Step(t, "serve", deployment, [version]))
        else:  # the op needs something not made yet: a raw version instead
            key = new_dataset_version(i)
            order.append(key)
            steps.append(Step(t, "raw", key))
    return Plan(reg, steps, t)


def as_ofs(end: int):
    """No asOf (now), or any hour from before the registry existed to after its last change:
    whole hours, so edges created or closed exactly then are asked about too."""
    return st.one_of(st.none(), st.integers(-1, end + 1))


# --- writing the plan through the service layer ---------------------------------------------------


def _dv(key: str) -> DatasetVersionRef:
    rest = key.removeprefix(f"DatasetVersion:{NAMESPACE}/")
    name, version = rest.split("@")
    return DatasetVersionRef(NAMESPACE, name, version)


def _mv(key: str) -> ModelVersionRef:
    _, name, version = key.split(":", 2)
    return ModelVersionRef(name, version)


def _feature(key: str) -> FeatureRef:
    group, name = key.removeprefix("Feature:").split("/")
    return FeatureRef(group, name)


def _io(reg: Registry, used: list[str], outputs: list[str] = ()) -> RunIO:
    kind = reg.kinds.__getitem__
    return RunIO(used_dataset_versions=[_dv(x) for x in used if kind(x) == "DatasetVersion"],
                 used_features=[_feature(x) for x in used if kind(x) == "Feature"],
                 used_model_versions=[_mv(x) for x in used if kind(x) == "ModelVersion"],
                 generated_dataset_versions=[_dv(x) for x in outputs if kind(x) == "DatasetVersion"],
                 generated_model_versions=[_mv(x) for x in outputs if kind(x) == "ModelVersion"])


async def write(db: Database, plan: Plan) -> dict[str, str]:
    """Write the plan, each step dated at its time; returns graph id -> the model's key."""
    reg, ids = plan.reg, {}
    setup = Actor(principal="property-test", now=at(0))

    def keep(key: str, registered) -> None:
        ids[registered.node["id"]] = key

    for key in reg.of_kind("Dataset"):
        keep(key, await service.register_dataset(
            db, setup, namespace=NAMESPACE, name=key.rsplit("/", 1)[1], license=reg.licenses[key],
            privacy=reg.privacy[key]))
    for key in reg.of_kind("Model"):
        keep(key, await service.register_model(db, setup, name=key.removeprefix("Model:")))
    await service.register_job(db, setup, namespace=JOB[0], name=JOB[1])

    async def version(actor: Actor, key: str, parents: list[str] = ()) -> None:
        if reg.kinds[key] == "DatasetVersion":
            ref = _dv(key)
            keep(key, await service.register_dataset_version(db, actor, namespace=ref.namespace, name=ref.name,
                                                             version=ref.version, created_at=actor.now))
        else:
            ref = _mv(key)
            keep(key, await service.register_model_version(db, actor, ModelVersionInput(
                model_name=ref.model_name, version=ref.version, derived_from=[_mv(p) for p in parents])))

    for step in plan.steps:
        actor = Actor(principal="property-test", now=at(step.t))
        if step.op == "raw":
            await version(actor, step.node)
        elif step.op == "run":
            for output in step.outputs:
                await version(actor, output)
            keep(step.node, await service.register_run(
                db, actor, run_id=step.node.removeprefix("Run:"), job_namespace=JOB[0], job_name=JOB[1],
                io=_io(reg, step.inputs, step.outputs)))
        elif step.op == "feature":
            ref = _feature(step.node)
            keep(step.node, await service.register_feature(
                db, actor, group=ref.group, name=ref.name,
                derived_from_dataset_versions=[_dv(x) for x in step.inputs if reg.kinds[x] == "DatasetVersion"],
                derived_from_datasets=[service.DatasetRef(NAMESPACE, x.rsplit("/", 1)[1])
                                       for x in step.inputs if reg.kinds[x] == "Dataset"]))
        elif step.op == "finetune":
            await version(actor, step.node, step.inputs)
        elif step.op == "late_inputs":
            await service.record_lineage(db, actor, run_id=step.node.removeprefix("Run:"), io=_io(reg, step.inputs))
        elif step.op == "late_parents":
            await service.record_model_version_parents(db, actor, child=_mv(step.node),
                                                       parents=[_mv(x) for x in step.inputs])
        elif step.op == "serve":
            env, name = step.node.removeprefix("Deployment:").split("/")
            keep(step.node, await service.register_deployment(
                db, actor, policies=UNGATED, environment=env, name=name, serving=_mv(step.inputs[0])))
    return ids


# --- the questions --------------------------------------------------------------------------------

IMPACT = """query($of: ImpactStartInput!, $asOf: DateTime, $after: DateTime, $before: DateTime) {
  impact(of: $of, asOf: $asOf, createdAfter: $after, createdBefore: $before, first: 500) {
    complete cutReasons startCount totalCount hasNextPage counts { kind count }
    items { kind depth node { ... on Record { id } } path { nodes { kind id } edges } } } }"""

PROVENANCE = """query($of: ProvenanceStartInput!, $asOf: DateTime) { provenance(of: $of, asOf: $asOf) {
  complete nodes { ... on Record { id } } rawSources { id } licenses privacyClasses } }"""


def start_input(reg: Registry, key: str) -> dict:
    kind = reg.kinds[key]
    if kind == "Dataset":
        return {"dataset": {"namespace": NAMESPACE, "name": key.rsplit("/", 1)[1]}}
    if kind == "DatasetVersion":
        ref = _dv(key)
        return {"datasetVersion": {"namespace": ref.namespace, "name": ref.name, "version": ref.version}}
    if kind == "ModelVersion":
        ref = _mv(key)
        return {"modelVersion": {"model": ref.model_name, "version": ref.version}}
    if kind == "Feature":
        ref = _feature(key)
        return {"feature": {"group": ref.group, "name": ref.name}}
    if kind == "Run":
        return {"runId": key.removeprefix("Run:")}
    env, name = key.removeprefix("Deployment:").split("/")
    return {"deployment": {"environment": env.upper(), "name": name}}


def _time(t: int | None) -> str | None:
    return None if t is None else at(t).isoformat()


@st.composite
def impact_questions(draw, plan: Plan):
    reg = plan.reg
    kind = draw(st.sampled_from(["DatasetVersion", "Dataset", "Run", "Feature", "ModelVersion"]))
    candidates = reg.of_kind(kind) or reg.of_kind("DatasetVersion")
    # Most nodes of a random registry are leaves: ask as often about starts with a deployment
    # downstream (where SERVES history and late links make paths and depths interesting).
    serving = [c for c in candidates if reg.kinds[c] != "Dataset"
               and any(reg.kinds[k] == "Deployment" for k in model.impact(reg, {c}, NOW))]
    start = draw(st.sampled_from(draw(st.sampled_from([candidates, serving or candidates]))))
    after = before = None
    if reg.kinds[start] == "Dataset":
        after = draw(st.one_of(st.none(), st.integers(0, plan.end + 1)))
        before = draw(st.one_of(st.none(), st.integers((after or 0) + 1, plan.end + 2)))
    return start, after, before, draw(as_ofs(plan.end))


@st.composite
def provenance_questions(draw, plan: Plan):
    candidates = plan.reg.of_kind("ModelVersion") + plan.reg.of_kind("Deployment")
    return draw(st.sampled_from(candidates)), draw(as_ofs(plan.end))


def check_impact(gql, plan: Plan, ids: dict[str, str], question) -> None:
    reg = plan.reg
    start, after, before, as_of = question
    when = NOW if as_of is None else as_of
    starts = (model.window_starts(reg, start, after, before, when) if reg.kinds[start] == "Dataset" else {start})
    expected = model.impact(reg, starts, when)
    note(f"impact of {start} window [{after}, {before}) asOf {as_of}: starts {sorted(starts)}, "
         f"expected {sorted(expected.items())}")
    body = gql(IMPACT, {"of": start_input(reg, start), "asOf": _time(as_of), "after": _time(after),
                        "before": _time(before)})
    assert "errors" not in body, body["errors"]
    answer = body["data"]["impact"]
    assert answer["complete"] is True and answer["cutReasons"] == []
    assert answer["startCount"] == len(starts)
    got = {ids[item["node"]["id"]]: item for item in answer["items"]}
    assert len(got) == len(answer["items"]), "an item is listed twice"
    assert {key: item["depth"] for key, item in got.items()} == expected
    assert {key: item["kind"] for key, item in got.items()} == {key: reg.kinds[key] for key in expected}
    assert {c["kind"]: c["count"] for c in answer["counts"]} == dict(Counter(reg.kinds[k] for k in expected))
    assert answer["totalCount"] == len(expected) and answer["hasNextPage"] is False
    for key, item in got.items():
        path = item["path"]
        nodes = [ids[n["id"]] for n in path["nodes"]]
        assert [n["kind"] for n in path["nodes"]] == [reg.kinds[n] for n in nodes]
        problems = model.path_problems(reg, starts, key, item["depth"], nodes, path["edges"], when)
        assert not problems, f"path of {key}: {nodes} {path['edges']}: {problems}"


def check_provenance(gql, plan: Plan, ids: dict[str, str], question) -> None:
    reg = plan.reg
    start, as_of = question
    expected = model.provenance(reg, start, NOW if as_of is None else as_of)
    note(f"provenance of {start} asOf {as_of}: expected {sorted(expected.nodes)}")
    body = gql(PROVENANCE, {"of": start_input(reg, start), "asOf": _time(as_of)})
    if start not in ids.values():  # a deployment the plan never switched was never registered
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        return
    assert "errors" not in body, body["errors"]
    answer = body["data"]["provenance"]
    assert answer["complete"] is True
    assert sorted(ids[n["id"]] for n in answer["nodes"]) == sorted(expected.nodes)
    assert {ids[d["id"]] for d in answer["rawSources"]} == expected.raw_sources
    assert set(answer["licenses"]) == expected.licenses
    assert set(answer["privacyClasses"]) == expected.privacy_classes


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_impact_and_provenance_agree_with_the_breadth_first_model(graph, gql, service_calls, data):
    plan = data.draw(plans(), label="registry")
    note("steps: " + "; ".join(f"t{s.t} {s.op} {s.node} {s.inputs} {s.outputs}" for s in plan.steps))
    note("edges: " + "; ".join(f"{e.source} -{e.type}[{e.since},{e.until})-> {e.target}" for e in plan.reg.edges))
    graph("admin.wipe_registry")
    ids = service_calls(lambda db: write(db, plan))
    for question in data.draw(st.lists(impact_questions(plan), min_size=1, max_size=6), label="impact"):
        check_impact(gql, plan, ids, question)
    for question in data.draw(st.lists(provenance_questions(plan), min_size=1, max_size=2), label="provenance"):
        check_provenance(gql, plan, ids, question)
