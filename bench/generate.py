"""A synthetic registry with the shape of a real organisation, for the benchmark.

Ninety days of history of a data and ML organisation, deterministic for a seed, sized by a
target node count. The figures are those of the 10^6-node graph (1,003,890 nodes, 3,680,657
relationships); everything scales linearly with the target, the teams with its square root.

* **Teams** (107) own everything; ownership is skewed (Zipf: a few platform teams own a lot).
* **Raw sources**: 4,409 datasets in `s3://raw`, `postgres://…`, `kafka://…`, `gs://…`,
  `hf://datasets` land snapshots daily (35 %), every 3 days (30 %) or weekly (35 %), some only
  since mid-history: 178,391 raw `DatasetVersion`s, produced by no run (they are where data
  comes from). Licences mostly `proprietary`, some `CC-BY-4.0`, `CC-BY-NC-4.0`, `ODbL-1.0`, …;
  privacy classes from PUBLIC to SENSITIVE_PII.
* **Cleaning**: every raw dataset has a cleaning job; each raw snapshot is read (`USED`) by one
  cleaning `Run` that writes (`WAS_GENERATED_BY`) one snapshot of the curated dataset
  `s3://curated/<name>_clean`: 178,391 runs and as many curated versions.
* **Derived datasets** in `s3://warehouse`, two tiers built by scheduled jobs: 1,654 tier-1
  tables join 2–4 curated datasets, 756 tier-2 tables join 1–2 tier-1 tables and 0–2 curated
  ones. Each run reads the latest snapshot of every input at its time (fan-in 2–4), so a weekly
  source snapshot is read by up to 7 daily runs of each consumer. Inputs are picked by Zipf
  popularity, so a few curated tables feed hundreds of tables (fan-out) and most feed one or
  two: 94,627 derived runs and versions.
* **Features**: 24,657 in 1,102 feature groups. A group is computed from one curated or
  derived dataset (Zipf-popular ones again) and its features `WAS_DERIVED_FROM` the 1–6
  snapshots it was materialised from in the last 30 days.
* **Models**: 5,748 with 7 versions each on average (up to 30), 41,149 `ModelVersion`s and
  143,493 training and experiment runs:
  - 4,828 tabular models use 1–4 feature groups (Zipf: the most used group is read by 240,000
    `USED` edges) and 2–10 features of each, plus the latest snapshot of a label table; every
    registered version has its training run and 0–5 unregistered experiment runs with the
    same inputs (experiments are downstream of their inputs too);
  - 230 base models are trained on 5–20 curated corpora;
  - 690 fine-tunes `USED` the latest version of a base model and 1–2 datasets, and each of
    their versions `WAS_DERIVED_FROM` that base version.
* **Deployments**: 2,594 `production` (45 % of models, 30 % of base models), each having served
  1–4 versions over time (`SERVES {since, until}`, the current edge without `until`), and
  1,897 `staging` ones serving the newest versions: 8,897 `SERVES` edges.
* **Stages**: every version starts in DEVELOPMENT; being served in production moves it to
  PRODUCTION, being replaced there to ARCHIVED, being staged (only) to STAGING. The history
  is `(ModelVersion)-[:IN_STAGE {since, until}]->(:Stage)` as the catalog records it, and the
  version's `stage` property is the last span: 50,565 `IN_STAGE` edges.
* **Batch scoring**: 792 production models (30 %) are scored daily or weekly by a job whose run
  `USED` the version in production that day and the latest label-table snapshot and writes a
  snapshot of `s3://predictions/<model>_scores`: 17,217 runs and prediction versions.

Not generated: evaluations (no lineage question reads them) and features computed from whole
datasets. Edges are dated when their later end was registered.

Ids are unique UUID-shaped strings; times are kept as epoch milliseconds (the loader's Cypher
stores them as datetimes), ending five days before now so that `asOf = now` sees everything.

The benchmark's questions need starts of a known size. `Registry.choose_starts` picks the raw
snapshot whose downstream (what `impact` counts: everything reached against the arrows, plus
the models of the reached versions) is closest to a target size, by breadth-first search over
the generated edges among up to 800 candidates, and the production deployment whose upstream
is at the 90th percentile of all production deployments.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import random
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

DAYS = 90
DAY = 1440  # minutes
RECENT_DAYS = 30  # feature groups are materialised from snapshots of the last 30 days

# Nodes per unit of scale; calibrated so that generate(n) yields about n nodes.
NODES_PER_UNIT = 635_000

LABELS = ("Team", "Dataset", "DatasetVersion", "Feature", "Job", "Run", "Model", "ModelVersion", "Deployment", "Stage")
TEAM, DATASET, DATASET_VERSION, FEATURE, JOB, RUN, MODEL, MODEL_VERSION, DEPLOYMENT, STAGE = range(len(LABELS))
STAGES = ("DEVELOPMENT", "STAGING", "PRODUCTION", "ARCHIVED", "QUARANTINED")

# Lineage edge shapes loaded after the nodes: name -> (source kind, type, target kind).
LINKS = {
    "used_dataset_versions": (RUN, "USED", DATASET_VERSION),
    "used_features": (RUN, "USED", FEATURE),
    "used_model_versions": (RUN, "USED", MODEL_VERSION),
    "generated_dataset_versions": (DATASET_VERSION, "WAS_GENERATED_BY", RUN),
    "generated_model_versions": (MODEL_VERSION, "WAS_GENERATED_BY", RUN),
    "feature_sources": (FEATURE, "WAS_DERIVED_FROM", DATASET_VERSION),
    "model_version_parents": (MODEL_VERSION, "WAS_DERIVED_FROM", MODEL_VERSION),
}

_DOMAINS = ("payments", "credit", "fraud", "marketing", "search", "ads", "support", "logistics", "pricing",
            "risk", "growth", "security", "identity", "catalog", "billing")
_ENTITIES = ("transactions", "customers", "sessions", "clickstream", "orders", "merchants", "devices", "accounts",
             "payouts", "tickets", "shipments", "listings", "reviews", "inventory", "events", "invoices",
             "refunds", "chargebacks", "impressions", "queries")
_RAW_NAMESPACES = ("s3://raw", "s3://raw", "s3://raw", "postgres://orders-db:5432", "postgres://accounts-db:5432",
                   "kafka://events-cluster", "gs://vendor-drop", "hf://datasets")
_AGGREGATES = ("daily", "weekly", "by_customer", "by_merchant", "joined", "sessionised", "enriched", "rollup")
_FUNCTIONS = ("data-eng", "ml-platform", "analytics", "ds", "ml", "infra", "governance")
_LICENSES = (("proprietary", 60), ("CC-BY-4.0", 10), ("CC-BY-SA-4.0", 6), ("CC-BY-NC-4.0", 6),
             ("ODbL-1.0", 4), ("Apache-2.0", 8), ("MIT", 6))
_PRIVACY = (("INTERNAL", 40), ("CONFIDENTIAL", 25), ("PII", 18), ("PUBLIC", 10), ("SENSITIVE_PII", 7))
_FRAMEWORKS = ("xgboost", "lightgbm", "pytorch", "sklearn", "tensorflow")
_TASKS = ("scoring", "ranker", "classifier", "forecaster", "detector", "recommender", "embedder")
_RISK = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
_DTYPES = ("float64", "int64", "bool", "string", "embedding")
_PRINCIPALS = ("airflow-scheduler", "mlflow-tracking", "feature-store", "deploy-bot")

_MULT = 0x9E3779B97F4A7C15F39CC0605CEDC835  # odd: n -> n * _MULT mod 2^128 is a bijection
_MASK = (1 << 128) - 1


def uuid_like(n: int, salt: int = 0) -> str:
    """A unique, random-looking UUID-shaped string for counter n (distinct n, distinct string)."""
    x = f"{((n + salt) * _MULT) & _MASK:032x}"
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def _sha256(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Hot:
    """A start of a benchmark question and what the generator predicts its answer holds."""

    key: dict
    node_id: str
    expected_nodes: int
    detail: dict = field(default_factory=dict)


@dataclass
class Registry:
    """The generated graph: rows to load per label, lineage edges by shape, and adjacency for choosing starts."""

    base: datetime
    ids: list[str] = field(default_factory=list)  # node index -> id
    kinds: bytearray = field(default_factory=bytearray)  # node index -> label index
    rows: dict[int, list[dict]] = field(default_factory=lambda: {k: [] for k in range(len(LABELS))})
    row_of: list[dict] = field(default_factory=list)  # node index -> its row
    links: dict[str, tuple[array, array]] = field(
        default_factory=lambda: {name: (array("l"), array("l")) for name in LINKS})
    # (deployment, model version, since, until or None); times in epoch milliseconds
    serves: list[tuple[int, int, int, int | None]] = field(default_factory=list)
    # (model version, stage name, since, until or None): the IN_STAGE history
    stage_spans: list[tuple[int, str, int, int | None]] = field(default_factory=list)
    model_of: dict[int, int] = field(default_factory=dict)  # model version -> model
    structural_edges: int = 0  # VERSION_OF, INSTANCE_OF, OWNED_BY: created with the nodes
    production_deployments: list[int] = field(default_factory=list)
    raw_versions: list[int] = field(default_factory=list)
    materialised: set[int] = field(default_factory=set)  # dataset versions features were computed from

    # --- sizes -----------------------------------------------------------------------
    @property
    def node_count(self) -> int:
        return len(self.ids)

    @property
    def lineage_edge_count(self) -> int:
        return sum(len(src) for src, _ in self.links.values()) + len(self.serves)

    @property
    def edge_count(self) -> int:
        return self.lineage_edge_count + self.structural_edges + len(self.stage_spans)

    def counts_by_label(self) -> dict[str, int]:
        return {LABELS[k]: len(rows) for k, rows in self.rows.items()}

    # --- rows for the loader ---------------------------------------------------------------
    def link_rows(self, name: str) -> Iterator[list]:
        """[source id, [target ids]] rows, consecutive edges of one source grouped."""
        sources, targets = self.links[name]
        ids = self.ids
        current, group = -1, []
        for s, t in zip(sources, targets):
            if s != current:
                if group:
                    yield [ids[current], group]
                current, group = s, []
            group.append(ids[t])
        if group:
            yield [ids[current], group]

    def serves_rows(self) -> list[list]:
        return [[self.ids[d], self.ids[m], since, until] for d, m, since, until in self.serves]

    def stage_rows(self) -> list[list]:
        return [[self.ids[m], stage, since, until] for m, stage, since, until in self.stage_spans]

    # --- choosing the benchmark's starts -------------------------------------------------------
    def _adjacency(self) -> tuple[list[list[int]], list[list[int]]]:
        """Downstream (against the arrows) and upstream lists over the edges impact/provenance walk."""
        n = self.node_count
        down: list[list[int]] = [[] for _ in range(n)]
        up: list[list[int]] = [[] for _ in range(n)]
        for sources, targets in self.links.values():
            for s, t in zip(sources, targets):
                down[t].append(s)
                up[s].append(t)
        for d, m, _, until in self.serves:
            if until is None:  # only current edges count at as_of = now
                down[m].append(d)
                up[d].append(m)
        return down, up

    def _reach(self, adjacency: list[list[int]], start: int, cap: int) -> set[int]:
        seen = {start}
        frontier = [start]
        while frontier and len(seen) <= cap:
            nxt = []
            for v in frontier:
                for w in adjacency[v]:
                    if w not in seen:
                        seen.add(w)
                        nxt.append(w)
            frontier = nxt
        seen.discard(start)
        return seen

    def downstream_size(self, down, start: int, cap: int) -> int:
        """What impact counts: the reached nodes plus the models of reached versions (or > cap)."""
        reached = self._reach(down, start, cap)
        models = {self.model_of[v] for v in reached if self.kinds[v] == MODEL_VERSION}
        return len(reached) + len(models)

    def choose_starts(self, hot_target: int, seed: int) -> tuple[Hot, Hot]:
        down, up = self._adjacency()
        return self._choose_hot(down, up, hot_target, seed), self._choose_production(up)

    def _choose_hot(self, down, up, target: int, seed: int) -> Hot:
        """The raw snapshot whose downstream is closest to `target` nodes, among a sample."""
        rng = random.Random(seed + 1)
        # Candidates: raw snapshots upstream of a materialised feature source (the only ones with
        # a large downstream), then any raw snapshot.
        feeding = set()
        for v in self.materialised:
            for w in self._reach(up, v, 10_000):
                if self.kinds[w] == DATASET_VERSION and self.row_of[w].get("raw"):
                    feeding.add(w)
        pool = sorted(feeding) or list(self.raw_versions)
        rng.shuffle(pool)
        best, best_size, tried = None, -1, 0
        for start in pool[:800]:
            size = self.downstream_size(down, start, cap=2 * target)
            tried += 1
            if best is None or abs(size - target) < abs(best_size - target):
                best, best_size = start, size
            if abs(best_size - target) <= 0.03 * target and tried >= 50:
                break
        row = self.row_of[best]
        return Hot(key={"namespace": row["namespace"], "name": row["name"], "version": row["version"]},
                   node_id=self.ids[best], expected_nodes=best_size,
                   detail={"candidates_tried": tried, "raw_versions_feeding_features": len(feeding)})

    def _choose_production(self, up) -> Hot:
        """A production deployment whose upstream is at the 90th percentile of all of them."""
        sizes = sorted((len(self._reach(up, d, 1_000_000)), d) for d in self.production_deployments)
        size, chosen = sizes[min(len(sizes) - 1, int(0.9 * len(sizes)))]
        row = self.row_of[chosen]
        return Hot(key={"environment": row["environment"], "name": row["name"]}, node_id=self.ids[chosen],
                   expected_nodes=size,
                   detail={"production_deployments": len(sizes), "upstream_median": sizes[len(sizes) // 2][0],
                           "upstream_max": sizes[-1][0]})


class _Generator:
    def __init__(self, scale: float, seed: int, base: datetime):
        self.s = scale
        self.rng = random.Random(seed)
        self.reg = Registry(base=base)
        self.run_counter = 0
        # dataset index -> (sorted times, version node indices)
        self.versions: dict[int, tuple[list[int], list[int]]] = {}
        self.dataset_row: dict[int, dict] = {}
        self.base_ms = int(base.timestamp() * 1000)
        self.dates: dict[int, str] = {}
        self.stage_changes: dict[int, list[tuple[int, str]]] = {}  # model version -> [(minute, stage)]

    # --- helpers -----------------------------------------------------------------------------
    def n(self, base: float) -> int:
        return max(1, round(base * self.s))

    def at(self, minute: int) -> int:
        """Epoch milliseconds of a minute of the history (Cypher turns them into datetimes)."""
        return self.base_ms + minute * 60_000

    def date(self, minute: int) -> str:
        day = minute // DAY
        text = self.dates.get(day)
        if text is None:
            text = self.dates[day] = (self.reg.base + timedelta(days=day)).strftime("%Y-%m-%d")
        return text

    def node(self, kind: int, row: dict) -> int:
        reg = self.reg
        index = len(reg.ids)
        row["id"] = uuid_like(index)
        reg.ids.append(row["id"])
        reg.kinds.append(kind)
        reg.rows[kind].append(row)
        reg.row_of.append(row)
        return index

    def link(self, name: str, source: int, target: int) -> None:
        sources, targets = self.reg.links[name]
        sources.append(source)
        targets.append(target)

    def zipf(self, items: list[int], exponent: float) -> tuple[list[int], list[float]]:
        """Items in a random popularity order with cumulative Zipf weights, for rng.choices."""
        order = list(items)
        self.rng.shuffle(order)
        total, cumulative = 0.0, []
        for rank in range(len(order)):
            total += 1.0 / (rank + 1) ** exponent
            cumulative.append(total)
        return order, cumulative

    def pick(self, popularity, k: int) -> list[int]:
        """Up to k distinct items drawn by popularity."""
        order, cumulative = popularity
        chosen = dict.fromkeys(self.rng.choices(order, cum_weights=cumulative, k=k))
        return list(chosen)

    def weighted(self, pairs) -> str:
        values, weights = zip(*pairs)
        return self.rng.choices(values, weights=weights)[0]

    def tags(self, *words: str) -> dict:
        tags = [w for w in words if w]
        return {"tags": tags, "tags_text": " ".join(tags)}

    def latest(self, dataset: int, minute: int) -> int | None:
        times, nodes = self.versions.get(dataset, ((), ()))
        i = bisect.bisect_right(times, minute) - 1
        return nodes[i] if i >= 0 else None

    def add_version(self, dataset: int, minute: int, version: str, rows: int, *, raw: bool = False) -> int:
        row = {"dataset_id": self.reg.ids[dataset], "version": version, "row_count": rows,
               "created_at": self.at(minute), "by": "airflow-scheduler",
               "namespace": self.dataset_row[dataset]["namespace"], "name": self.dataset_row[dataset]["name"]}
        index = self.node(DATASET_VERSION, row)
        row["digest"] = _sha256(row["id"])
        if raw:
            row["raw"] = True
            self.reg.raw_versions.append(index)
        times, nodes = self.versions.setdefault(dataset, ([], []))
        times.append(minute)
        nodes.append(index)
        self.reg.structural_edges += 1  # VERSION_OF
        return index

    def dataset(self, namespace: str, name: str, owner: str, minute: int, *, description: str,
                license: str | None = None, privacy: str | None = None, tags=()) -> int:
        row = {"namespace": namespace, "name": name, "owner": owner, "description": description,
               "license": license, "privacy": privacy,
               "schema_fields": json.dumps([{"name": "id", "type": "string"}, {"name": "ts", "type": "timestamp"},
                                            {"name": "value", "type": "double"}]),
               "created_at": self.at(minute), "by": "airflow-scheduler", **self.tags(*tags)}
        index = self.node(DATASET, row)
        self.dataset_row[index] = row
        self.reg.structural_edges += 1  # OWNED_BY
        return index

    def job(self, namespace: str, name: str, owner: str, minute: int, description: str) -> int:
        self.reg.structural_edges += 1  # OWNED_BY
        return self.node(JOB, {"namespace": namespace, "name": name, "owner": owner, "description": description,
                               "created_at": self.at(minute), "by": "airflow-scheduler"})

    def run(self, job: int, start: int, minutes: int, *, state: str = "COMPLETE", parameters: dict,
            repository: str, by: str = "airflow-scheduler") -> int:
        self.run_counter += 1
        self.reg.structural_edges += 1  # INSTANCE_OF
        return self.node(RUN, {
            "job_id": self.reg.ids[job], "run_id": uuid_like(self.run_counter, salt=1 << 100), "state": state,
            "started_at": self.at(start), "ended_at": self.at(start + minutes),
            "code_repository": repository,
            "code_commit": hashlib.sha1(f"{job}:{start // DAY}".encode()).hexdigest(),
            "parameters": json.dumps(parameters, sort_keys=True), "by": by,
        })

    # --- the organisation ------------------------------------------------------------------------
    def generate(self) -> Registry:
        rng, reg = self.rng, self.reg
        team_count = max(8, round(85 * self.s ** 0.5))
        self.teams = []
        for i in range(team_count):
            name = f"{_FUNCTIONS[i % len(_FUNCTIONS)]}-{_DOMAINS[i % len(_DOMAINS)]}-{i:02d}"
            self.teams.append(name)
            self.node(TEAM, {"name": name, "description": f"The {name} team.", "created_at": self.at(0),
                             "by": "admin"})
        self.team_pop = self.zipf(list(range(team_count)), 0.8)
        for name in STAGES:  # what catalog.upsert_model_version MERGEs on first use
            self.node(STAGE, {"name": name})
        self.raw_and_clean()
        self.derived()
        self.feature_groups()
        self.models()
        self.stage_history()
        return reg

    def stage_history(self) -> None:
        """Every version starts in DEVELOPMENT; serving moves it to PRODUCTION (then ARCHIVED when
        replaced) or STAGING. Each span is an IN_STAGE edge; the last one has no `until`."""
        reg = self.reg
        for mv, row in enumerate(reg.row_of):
            if reg.kinds[mv] != MODEL_VERSION:
                continue
            changes = [(row["created_at"], "DEVELOPMENT")]
            changes += sorted((self.at(minute), stage) for minute, stage in self.stage_changes.get(mv, ()))
            for i, (since, stage) in enumerate(changes):
                until = changes[i + 1][0] if i + 1 < len(changes) else None
                reg.stage_spans.append((mv, stage, since, until))
            row["stage"] = changes[-1][1]

    def team(self) -> str:
        return self.teams[self.pick(self.team_pop, 1)[0]]

    def raw_and_clean(self) -> None:
        rng = self.rng
        self.curated: list[int] = []
        for i in range(self.n(2800)):
            entity, domain = rng.choice(_ENTITIES), rng.choice(_DOMAINS)
            namespace = rng.choice(_RAW_NAMESPACES)
            name = f"{domain}_{entity}_{i:05d}"
            owner = self.team()
            first_day = 0 if rng.random() < 0.7 else rng.randint(1, 60)
            privacy = self.weighted(_PRIVACY)
            raw = self.dataset(namespace, name, owner, first_day * DAY, description=f"Raw {entity} from {domain}.",
                               license=self.weighted(_LICENSES), privacy=privacy, tags=(domain, "raw"))
            clean = self.dataset("s3://curated", f"{name}_clean", owner, first_day * DAY,
                                 description=f"Cleaned, de-duplicated {entity}.", license="proprietary",
                                 privacy=privacy, tags=(domain, "curated"))
            self.curated.append(clean)
            job = self.job("airflow://etl", f"clean_{name}", owner, first_day * DAY, f"Cleans {namespace}/{name}.")
            cadence = self.weighted(((1, 35), (3, 30), (7, 35)))
            for day in range(first_day, DAYS, cadence):
                landed = day * DAY + rng.randint(0, 240)
                version = self.date(landed)
                raw_version = self.add_version(raw, landed, version, rng.randint(10_000, 50_000_000), raw=True)
                start = landed + rng.randint(30, 120)
                took = rng.randint(10, 60)
                run = self.run(job, start, took, parameters={"partition": version},
                               repository="https://git.example.com/data/etl")
                self.link("used_dataset_versions", run, raw_version)
                clean_version = self.add_version(clean, start + took, version, rng.randint(10_000, 50_000_000))
                self.link("generated_dataset_versions", clean_version, run)

    def _build(self, tables: int, hour: int, inputs_for, tier: str) -> list[int]:
        rng = self.rng
        built = []
        for i in range(tables):
            inputs = inputs_for()
            domain = rng.choice(_DOMAINS)
            name = f"{domain}_{rng.choice(_AGGREGATES)}_{tier}_{i:05d}"
            owner = self.team()
            firsts = [self.versions[d][0][0] for d in inputs if d in self.versions]
            if len(firsts) < len(inputs):
                continue
            first_day = max(firsts) // DAY + 1
            if first_day >= DAYS:
                continue
            table = self.dataset("s3://warehouse", name, owner, first_day * DAY,
                                 description=f"{tier} table joining {len(inputs)} inputs.", license="proprietary",
                                 privacy=self.weighted(_PRIVACY), tags=(domain, "warehouse", tier))
            job = self.job("airflow://warehouse", f"build_{name}", owner, first_day * DAY, f"Builds s3://warehouse/{name}.")
            cadence = self.weighted(((1, 50), (3, 30), (7, 20)))
            for day in range(first_day, DAYS, cadence):
                start = day * DAY + hour * 60 + rng.randint(0, 120)
                used = [self.latest(d, start) for d in inputs]
                took = rng.randint(10, 50)
                run = self.run(job, start, took, parameters={"ds": self.date(start)},
                               repository="https://git.example.com/data/warehouse")
                for v in used:
                    self.link("used_dataset_versions", run, v)
                output = self.add_version(table, start + took, self.date(start),
                                          rng.randint(1_000, 5_000_000))
                self.link("generated_dataset_versions", output, run)
            built.append(table)
        return built

    def derived(self) -> None:
        rng = self.rng
        curated_pop = self.zipf(self.curated, 1.0)
        self.curated_pop = curated_pop
        self.tier1 = self._build(self.n(1050), 6, lambda: self.pick(curated_pop, rng.randint(2, 4)), "t1")
        tier1_pop = self.zipf(self.tier1, 1.0)
        self.tier2 = self._build(
            self.n(480), 12,
            lambda: self.pick(tier1_pop, rng.randint(1, 2)) + self.pick(curated_pop, rng.randint(0, 2)), "t2")
        self.derived_pop = self.zipf(self.tier1 + self.tier2, 1.0)

    def feature_groups(self) -> None:
        rng, reg = self.rng, self.reg
        self.groups: list[list[int]] = []
        recent = (DAYS - RECENT_DAYS) * DAY
        for g in range(self.n(700)):
            source = self.pick(self.derived_pop if rng.random() < 0.75 else self.curated_pop, 1)[0]
            times, nodes = self.versions[source]
            recent_nodes = [v for t, v in zip(times, nodes) if t >= recent] or nodes[-6:]
            materialised = sorted(rng.sample(recent_nodes, min(len(recent_nodes), rng.randint(1, 6))))
            reg.materialised.update(materialised)
            created = reg.row_of[materialised[0]]["created_at"] + 3_600_000
            domain = rng.choice(_DOMAINS)
            group = f"{domain}_{rng.choice(_ENTITIES)}_g{g:04d}"
            owner = self.team()
            members = []
            for j in range(rng.randint(5, 40)):
                feature = self.node(FEATURE, {
                    "group": group, "name": f"{rng.choice(_AGGREGATES)}_{rng.choice(('1d', '7d', '30d', '90d'))}_{j:03d}",
                    "owner": owner, "dtype": rng.choice(_DTYPES),
                    "transformation": f"SELECT agg(value) FROM {self.dataset_row[source]['name']} GROUP BY id",
                    "description": f"Feature {j} of {group}.", "created_at": created, "by": "feature-store",
                    **self.tags(domain, "feature")})
                reg.structural_edges += 1  # OWNED_BY
                for v in materialised:
                    self.link("feature_sources", feature, v)
                members.append(feature)
            self.groups.append(members)

    def models(self) -> None:
        rng, reg = self.rng, self.reg
        group_pop = self.zipf(list(range(len(self.groups))), 1.1)
        label_pop = self.derived_pop
        bases: list[tuple[int, list[tuple[int, int]]]] = []  # (model, [(minute, version node)])
        count = self.n(3650)
        # Base models first (fine-tunes need them), then the rest in a shuffled order.
        kinds = ["base"] * max(1, round(0.04 * count)) + ["finetune"] * round(0.12 * count)
        kinds += ["tabular"] * (count - len(kinds))
        for i, kind in enumerate(kinds):
            domain = rng.choice(_DOMAINS)
            name = f"{domain}-{rng.choice(_TASKS)}-{i:05d}" if kind != "base" else f"base-llm-{i:03d}"
            owner = self.team()
            start_day = rng.randint(0, 20) if kind == "base" else rng.randint(25 if kind == "finetune" else 0, 75)
            model = self.node(MODEL, {"name": name, "owner": owner, "risk_tier": rng.choice(_RISK),
                                      "description": f"{kind} model {name}.", "created_at": self.at(start_day * DAY),
                                      "by": "mlflow-tracking", **self.tags(domain, kind)})
            reg.structural_edges += 1  # OWNED_BY
            job = self.job("mlflow://training", f"train_{name}", owner, start_day * DAY, f"Trains {name}.")
            # Inputs every run of this model reads.
            base_model = None
            if kind == "tabular":
                features = []
                for g in self.pick(group_pop, rng.randint(1, 4)):
                    members = self.groups[g]
                    features += rng.sample(members, min(len(members), rng.randint(2, 10)))
                label_table = self.pick(label_pop, 1)[0]
                tables = [label_table]
            elif kind == "base":
                features, tables = [], self.pick(self.curated_pop, rng.randint(5, 20))
                label_table = tables[0]
            else:
                base_model = rng.choice(bases)
                features, tables = [], self.pick(self.derived_pop, rng.randint(1, 2))
                label_table = tables[0]
            n_versions = 1 if kind == "base" and rng.random() < 0.5 else min(30, 1 + int(rng.expovariate(1 / 7)))
            days = sorted(rng.randint(start_day, DAYS - 1) for _ in range(n_versions))
            versions: list[tuple[int, int]] = []
            for number, day in enumerate(days, start=1):
                minute = day * DAY + rng.randint(0, DAY - 200)
                parent = None
                if base_model is not None:
                    older = [v for t, v in base_model[1] if t < minute]
                    parent = older[-1] if older else base_model[1][0][1]
                inputs = [self.latest(t, minute) for t in tables]
                inputs = [v for v in inputs if v is not None]
                for attempt in range(rng.randint(0, 5) + 1):
                    registered = attempt == 0
                    at = minute if registered else minute - rng.randint(60, 2 * DAY)
                    run = self.run(job, at, rng.randint(20, 180), state="COMPLETE" if registered or rng.random() < 0.8 else "FAIL",
                                   parameters={"learning_rate": str(rng.choice((0.01, 0.03, 0.1))),
                                               "max_depth": str(rng.randint(3, 12)), "seed": str(attempt)},
                                   repository=f"https://git.example.com/ml/{name}", by="mlflow-tracking")
                    for f in features:
                        if rng.random() < 0.9:
                            self.link("used_features", run, f)
                    for v in inputs:
                        self.link("used_dataset_versions", run, v)
                    if parent is not None:
                        self.link("used_model_versions", run, parent)
                    if registered:
                        trained = run
                finished = reg.row_of[trained]["ended_at"]
                mv = self.node(MODEL_VERSION, {
                    "model_id": reg.ids[model], "version": str(number),
                    "artifact_uri": f"s3://models/{name}/{number}/model.tar.gz",
                    "framework": "transformers" if kind != "tabular" else rng.choice(_FRAMEWORKS),
                    "license": "Apache-2.0" if kind == "base" else "proprietary", "stage": "DEVELOPMENT",
                    "created_at": finished, "by": "mlflow-tracking", **self.tags(domain, kind)})
                reg.row_of[mv]["artifact_digest"] = _sha256(reg.ids[mv])
                reg.model_of[mv] = model
                reg.structural_edges += 1  # VERSION_OF
                self.link("generated_model_versions", mv, trained)
                if parent is not None:
                    self.link("model_version_parents", mv, parent)
                versions.append(((finished - self.base_ms) // 60_000, mv))
            if kind == "base":
                bases.append((model, versions))
            self.deployments(name, kind, versions, label_table)

    def deployments(self, name: str, kind: str, versions: list[tuple[int, int]], scoring_input: int) -> None:
        rng, reg = self.rng, self.reg
        production = rng.random() < (0.3 if kind == "base" else 0.45)
        staging = (production and rng.random() < 0.6) or (not production and rng.random() < 0.1)
        history = None
        if production:
            served = sorted(rng.sample(versions, min(len(versions), rng.randint(1, 4))))
            history = self._deployment("production", name, served)
            reg.production_deployments.append(history[0])
            for since, until, mv in history[1]:
                self.stage_changes.setdefault(mv, []).append((since, "PRODUCTION"))
                if until is not None:
                    self.stage_changes[mv].append((until, "ARCHIVED"))
        if staging:
            served = versions[-min(len(versions), rng.randint(1, 3)):]
            _, staged = self._deployment("staging", name, served)
            since, _, mv = staged[-1]
            if mv not in self.stage_changes:
                self.stage_changes[mv] = [(since, "STAGING")]
        if history and rng.random() < 0.3:
            self._scoring(name, history[1], scoring_input)

    def _deployment(self, environment: str, name: str, served: list[tuple[int, int]]):
        rng, reg = self.rng, self.reg
        spans, since = [], None
        for minute, mv in served:
            start = minute + rng.randint(60, 3 * DAY)
            since = start if since is None else max(start, since + 60)
            spans.append((since, mv))
        row = {"environment": environment, "name": name, "endpoint": f"https://ml.example.com/{environment}/{name}",
               "status": "ACTIVE", "created_at": self.at(spans[0][0]), "since": self.at(spans[-1][0]),
               "by": "deploy-bot"}
        deployment = self.node(DEPLOYMENT, row)
        history = []
        for i, (since, mv) in enumerate(spans):
            until = spans[i + 1][0] if i + 1 < len(spans) else None
            reg.serves.append((deployment, mv, self.at(since), self.at(until) if until is not None else None))
            history.append((since, until, mv))
        return deployment, history

    def _scoring(self, name: str, history: list[tuple[int, int | None, int]], scoring_input: int) -> None:
        rng = self.rng
        first = history[0][0]
        owner = self.team()
        predictions = self.dataset("s3://predictions", f"{name}_scores", owner, first,
                                   description=f"Batch scores of {name}.", license="proprietary",
                                   privacy="CONFIDENTIAL", tags=("predictions",))
        job = self.job("airflow://scoring", f"score_{name}", owner, first, f"Scores with {name} in production.")
        cadence = rng.choice((1, 1, 7))
        for day in range(first // DAY + 1, DAYS, cadence):
            start = day * DAY + 900 + rng.randint(0, 120)
            serving = [mv for since, until, mv in history if since <= start and (until is None or until > start)]
            if not serving:
                continue
            took = rng.randint(5, 30)
            run = self.run(job, start, took, parameters={"ds": self.date(start)},
                           repository="https://git.example.com/ml/scoring")
            self.link("used_model_versions", run, serving[0])
            source = self.latest(scoring_input, start)
            if source is not None:
                self.link("used_dataset_versions", run, source)
            output = self.add_version(predictions, start + took, self.date(start),
                                      rng.randint(1_000, 1_000_000))
            self.link("generated_dataset_versions", output, run)


def generate(target_nodes: int, *, seed: int = 42, now: datetime | None = None) -> Registry:
    """A registry of about `target_nodes` nodes whose history ends a few days before `now`."""
    now = now or datetime.now(UTC)
    base = (now - timedelta(days=DAYS + 5)).replace(hour=0, minute=0, second=0, microsecond=0)
    return _Generator(target_nodes / NODES_PER_UNIT, seed, base).generate()
