"""The dossier as a compliance report a reviewer who is not an engineer can read and sign off: Markdown and printable HTML (Jinja2, autoescaped).

The report says things in words: `credit-scoring version 2`, "a licence for non-commercial use only",
"20 March 2026, 09:00 UTC", never a node id. It opens with a one-page summary (what serves, since
when, whether the deployment gate passed or was overridden, the licences and privacy classes
upstream, open incidents), then the raw sources, the lineage as a diagram (an inline SVG drawn here
and the Mermaid source, so the HTML needs neither JavaScript nor the network, and every link again
as a sentence), how each model version was built, its checks, approvals and stages with who and
when, the deployment history, incidents, and the audit chain's verification.

`report_view()` turns the dossier into those words once; the two templates in templates/ only lay
them out. HTML is autoescaped by Jinja; in Markdown every value a template prints is escaped by the
environment's `finalize` (text people typed — notes, reasons — cannot become markup or links) unless
this module marked it as already Markdown.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from app.compliance.service import Asset, Dossier, Switch
from app.core import vocabulary

# --- words ---------------------------------------------------------------------------------------

LICENCE_WORDS = {
    "proprietary": "proprietary: the organisation's own terms",
    "Apache-2.0": "Apache License 2.0: a permissive open-source licence",
    "MIT": "MIT License: a permissive open-source licence",
    "BSD-3-Clause": "BSD 3-Clause License: a permissive open-source licence",
    "CC0-1.0": "Creative Commons Zero: public domain, no conditions",
    "CC-BY-4.0": "Creative Commons Attribution 4.0: free to use with credit to the source",
    "CC-BY-SA-4.0": "Creative Commons Attribution-ShareAlike 4.0: free to use with credit; adaptations carry the same licence",
    "CC-BY-NC-4.0": "Creative Commons Attribution-NonCommercial 4.0: non-commercial use only",
    "CC-BY-NC-SA-4.0": "Creative Commons Attribution-NonCommercial-ShareAlike 4.0: non-commercial use only",
    "CC-BY-NC-ND-4.0": "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0: non-commercial use only, no adaptations",
}
_NON_COMMERCIAL = re.compile(r"(^|-)NC(-|$)", re.IGNORECASE)


def is_non_commercial(licence: str) -> bool:
    """A licence that forbids commercial use (Creative Commons `NC`)."""
    return bool(_NON_COMMERCIAL.search(licence))


def licence_words(licence: str) -> str:
    if licence in LICENCE_WORDS:
        return LICENCE_WORDS[licence]
    if is_non_commercial(licence):
        return f"{licence}: non-commercial use only"
    return f"{licence} licence"


def when(moment: datetime | None) -> str:
    """`20 March 2026, 09:00 UTC`."""
    if moment is None:
        return ""
    moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC"


def day(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment.astimezone(UTC).day} {moment.astimezone(UTC):%B %Y}"


def words(term: str) -> str:
    """A stored value as words: `bias_assessment` → `Bias assessment`, `PRODUCTION` → `Production`."""
    text = term.replace("_", " ").strip()
    if term.isupper() or "_" in term:
        text = text.lower()
    return text[:1].upper() + text[1:]


def dataset_version_words(label: str) -> str:
    """`s3://raw/transactions@2026-03-08` → `s3://raw/transactions (snapshot 2026-03-08)`."""
    dataset, at, version = label.rpartition("@")
    return f"{dataset} (snapshot {version})" if at else label


def model_version_words(label: str) -> str:
    """`credit-scoring@2` → `credit-scoring version 2`."""
    model, at, version = label.rpartition("@")
    return f"{model} version {version}" if at else label


# --- the view --------------------------------------------------------------------------------------

@dataclass
class Node:
    """An asset as the diagram and the sentences name it."""

    id: str
    kind: str
    title: str
    detail: str
    depth: int = 0
    x: int = 0
    y: int = 0

    @property
    def words(self) -> str:
        return f"{self.title} ({self.detail})" if self.detail else self.title


@dataclass
class Diagram:
    nodes: list[Node]
    lines: list[tuple[Node, Node]]   # (upstream, downstream): data flows from the first to the second
    sentences: list[str]
    mermaid: str
    width: int = 0
    height: int = 0
    drawn: bool = True                 # False when too large to draw: the sentences still hold every link


@dataclass
class View:
    title: str
    subject_kind: str
    as_of: str
    generated_at: str
    deployment: dict | None
    model: dict | None
    serving: dict | None
    licences: list[dict]
    non_commercial: list[dict]
    privacy: list[dict]
    open_incidents: list[dict]
    incidents: list[dict]
    complete: bool
    raw_sources: list[dict]
    diagram: Diagram
    model_versions: list[dict]
    runs: list[dict]
    history: list[dict]
    audit: dict | None
    existed: bool = True               # False: the subject was registered after as_of
    artifacts: list[dict] = field(default_factory=list)  # each model and dataset version's last verification


BOX_WIDTH, BOX_HEIGHT, GAP_X, GAP_Y = 230, 46, 24, 40
MAX_DRAWN = 60


class _Graph:
    def __init__(self, dossier: Dossier) -> None:
        self.dossier = dossier
        self.by_id = {a.id: a for a in dossier.assets}
        self.by_label = {a.label: a for a in dossier.assets}
        self.jobs = {e.source: self.by_id[e.target] for e in dossier.edges
                     if e.type == "INSTANCE_OF" and e.target in self.by_id}
        self.version_of = {e.source: self.by_id[e.target] for e in dossier.edges
                           if e.type == "VERSION_OF" and e.target in self.by_id}
        # Every edge but VERSION_OF is drawn; a dataset is drawn only when something reads it as a whole.
        self.flow = [e for e in dossier.edges if e.type in ("USED", "WAS_GENERATED_BY", "WAS_DERIVED_FROM", "SERVES")
                     and e.source in self.by_id and e.target in self.by_id]

    def job_name(self, run: Asset) -> str | None:
        job = self.jobs.get(run.id)
        return job.key.get("name") if job else run.fields.get("job_name")

    def node(self, asset: Asset) -> Node:
        f = asset.fields
        if asset.kind == "DatasetVersion":
            return Node(asset.id, asset.kind, f"{asset.key['namespace']}/{asset.key['name']}", f"snapshot {asset.key['version']}")
        if asset.kind == "Dataset":
            return Node(asset.id, asset.kind, asset.label, "the whole dataset")
        if asset.kind == "Feature":
            return Node(asset.id, asset.kind, asset.label, "feature")
        if asset.kind == "Run":
            started = f.get("started_at")
            return Node(asset.id, asset.kind, self.job_name(asset) or "a run", f"run, {day(started)}" if started else "run")
        if asset.kind == "ModelVersion":
            stage = f.get("stage")
            return Node(asset.id, asset.kind, model_version_words(asset.label),
                        f"model, {words(stage)}" if stage else "model")
        if asset.kind == "Deployment":
            return Node(asset.id, asset.kind, asset.label, "deployment")
        return Node(asset.id, asset.kind, asset.label, words(asset.kind))

    def label_words(self, label: str) -> str:
        """An asset the dossier names by label, in words (`credit-scoring@2` → `credit-scoring version 2 (model, …)`)."""
        asset = self.by_label.get(label)
        return self.node(asset).words if asset else label

    @staticmethod
    def sentence(kind: str, source: Node, target: Node) -> str:
        """An edge as a sentence, in the direction the data flowed."""
        if kind == "USED":
            return f"{target.words} was read by {source.words}."
        if kind == "WAS_GENERATED_BY":
            return f"{target.words} produced {source.words}."
        if kind == "WAS_DERIVED_FROM" and source.kind == target.kind == "ModelVersion":
            return f"{source.words} was fine-tuned from {target.words}."
        if kind == "WAS_DERIVED_FROM":
            return f"{source.words} is computed from {target.words}."
        return f"{source.words} serves {target.words}."

    def depths(self) -> dict[str, int]:
        """Each asset's longest way upstream from the subject (raw sources deepest); bounded, since
        lineage recorded in a loop has no longest way."""
        upstream: dict[str, list[str]] = {}
        for e in self.flow:
            upstream.setdefault(e.source, []).append(e.target)
        depth = {self.dossier.subject.id: 0}
        queue, bound = deque([self.dossier.subject.id]), len(self.by_id)
        while queue:
            node = queue.popleft()
            for target in upstream.get(node, []):
                if depth.get(target, -1) < depth[node] + 1 <= bound:
                    depth[target] = depth[node] + 1
                    queue.append(target)
        return depth

    def diagram(self) -> Diagram:
        drawn = {self.dossier.subject.id} | {e.source for e in self.flow} | {e.target for e in self.flow}
        nodes = {a.id: self.node(a) for a in self.dossier.assets if a.id in drawn}
        depth = self.depths()
        for node in nodes.values():
            node.depth = depth.get(node.id, 0)
        # (upstream, downstream) pairs: data flows from the first to the second, against the edge's arrow.
        lines = [(nodes[e.target], nodes[e.source]) for e in self.flow]
        width, height = _layout(list(nodes.values()), lines)
        ordered = sorted(self.flow, key=lambda e: (-max(nodes[e.source].depth, nodes[e.target].depth),
                                                   nodes[e.source].words, nodes[e.target].words))
        flat = sorted(nodes.values(), key=lambda n: (-n.depth, n.kind, n.title, n.detail))
        return Diagram(nodes=flat, lines=lines,
                       sentences=[self.sentence(e.type, nodes[e.source], nodes[e.target]) for e in ordered],
                       mermaid=_mermaid(flat, lines), width=width, height=height, drawn=len(nodes) <= MAX_DRAWN)


def _layout(nodes: list[Node], lines: list[tuple[Node, Node]]) -> tuple[int, int]:
    """Place the boxes in rows, the deepest (raw sources) at the top and the subject at the bottom, each row
    ordered to cross few lines (the barycenter heuristic: a box under the mean of its neighbours, swept from
    the subject up, down, and up again). Returns the drawing's width and height."""
    deepest = max((n.depth for n in nodes), default=0)
    rows: dict[int, list[Node]] = {}
    for node in sorted(nodes, key=lambda n: (n.kind, n.title, n.detail)):
        rows.setdefault(deepest - node.depth, []).append(node)
    width = max((len(r) for r in rows.values()), default=1) * (BOX_WIDTH + GAP_X) + GAP_X

    def place(row: int) -> None:
        offset = (width - len(rows[row]) * (BOX_WIDTH + GAP_X) + GAP_X) // 2
        for i, node in enumerate(rows[row]):
            node.x, node.y = offset + i * (BOX_WIDTH + GAP_X), GAP_Y // 2 + row * (BOX_HEIGHT + GAP_Y)

    below: dict[str, list[Node]] = {}
    above: dict[str, list[Node]] = {}
    for upstream, downstream in lines:
        below.setdefault(upstream.id, []).append(downstream)
        above.setdefault(downstream.id, []).append(upstream)
    for row in rows:
        place(row)
    upward, downward = sorted(rows, reverse=True), sorted(rows)
    for sweep, neighbours in ((upward, below), (downward, above), (upward, below)):
        for row in sweep:
            rows[row].sort(key=lambda n: sum(m.x for m in neighbours[n.id]) / len(neighbours[n.id])
                           if neighbours.get(n.id) else n.x)
            place(row)
    return width, (deepest + 1) * (BOX_HEIGHT + GAP_Y)


def _mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label: quotes, angle brackets and backticks as Mermaid's entity codes."""
    return (text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
            .replace("`", "#96;").replace("\n", " "))


def _mermaid(nodes: list[Node], lines: list[tuple[Node, Node]]) -> str:
    names = {node.id: f"n{i}" for i, node in enumerate(nodes)}
    text = ["flowchart TB"]
    text += [f'  {names[n.id]}["{_mermaid_text(n.title)}<br/>{_mermaid_text(n.detail)}"]' for n in nodes]
    text += [f"  {names[a.id]} --> {names[b.id]}" for a, b in lines]
    return "\n".join(text)


def _switch(switch: Switch) -> dict:
    glass = switch.break_glass
    return {"model": model_version_words(switch.model_version), "label": switch.model_version, "since": when(switch.since),
            "until": when(switch.until), "by": switch.by, "serving": switch.until is None,
            "rollback_reason": switch.rollback_reason,
            "break_glass": {"reason": glass.reason, "by": glass.by, "overrode": list(glass.overrode)} if glass else None}


def _incident(incident, graph: _Graph) -> dict:
    return {"status": words(incident.status), "open": incident.status == "OPEN", "reason": incident.reason,
            "quarantined": graph.label_words(incident.start), "opened": when(incident.opened_at),
            "opened_by": incident.opened_by, "released": when(incident.released_at), "released_by": incident.released_by,
            "affected": [graph.label_words(label) for label in incident.affected]}


def report_view(dossier: Dossier) -> View:
    """The dossier in words, for the templates."""
    graph = _Graph(dossier)
    datasets = [a for a in dossier.assets if a.kind == "Dataset"]
    licences = []
    for licence in dossier.licenses:
        holders = sorted(d.label for d in datasets if d.fields.get("license") == licence)
        licences.append({"id": licence, "words": licence_words(licence), "non_commercial": is_non_commercial(licence),
                         "datasets": holders})
    privacy = [{"class": c, "words": vocabulary.description("PrivacyClass", c) or "",
                "datasets": sorted(d.label for d in datasets if d.fields.get("privacy") == c)}
               for c in dossier.privacy_classes]
    subject = dossier.subject
    deployment = ({"environment": subject.key.get("environment"), "name": subject.key.get("name"),
                   "endpoint": subject.fields.get("endpoint"), "label": subject.label}
                  if subject.kind == "Deployment" else None)
    model = None
    if dossier.model_version is not None:
        mv = dossier.model_version
        stage = mv.fields.get("stage")
        model = {"words": model_version_words(mv.label), "label": mv.label, "stage": words(stage) if stage else None,
                 "stage_words": vocabulary.description("Stage", stage) if stage else None,
                 "risk_tier": words(mv.fields["risk_tier"]) if mv.fields.get("risk_tier") else None,
                 "owner": mv.fields.get("owner"), "quarantined": bool(mv.fields.get("quarantined"))}

    runs = []
    for run in sorted((a for a in dossier.assets if a.kind == "Run"), key=lambda a: (a.fields.get("started_at") or dossier.as_of, a.label)):
        f = run.fields
        outputs = sorted(graph.node(graph.by_id[e.source]).words for e in dossier.edges
                         if e.type == "WAS_GENERATED_BY" and e.target == run.id and e.source in graph.by_id)
        inputs = sorted(graph.node(graph.by_id[e.target]).words for e in dossier.edges
                        if e.type == "USED" and e.source == run.id and e.target in graph.by_id)
        runs.append({"job": graph.job_name(run) or "a run", "started": when(f.get("started_at")),
                     "ended": when(f.get("ended_at")), "state": words(f["state"]) if f.get("state") else None,
                     "code": f.get("code_repository"), "commit": f.get("code_commit"),
                     "parameters": sorted((str(k), str(v)) for k, v in (f.get("parameters") or {}).items()),
                     "inputs": inputs, "outputs": outputs})

    model_versions = []
    for mv in sorted((a for a in dossier.assets if a.kind == "ModelVersion"),
                     key=lambda a: (a.id != (dossier.model_version.id if dossier.model_version else None), a.label)):
        label = mv.label
        model_versions.append({
            "words": model_version_words(label),
            "stage": words(mv.fields["stage"]) if mv.fields.get("stage") else None,
            "framework": mv.fields.get("framework"), "licence": mv.fields.get("license"),
            "licence_words": licence_words(mv.fields["license"]) if mv.fields.get("license") else None,
            "owner": mv.fields.get("owner"), "flags": list(mv.fields.get("compliance_flags") or []),
            "checks": [{"kind": words(c.kind), "means": vocabulary.description("CheckKind", c.kind) or "",
                        "status": words(c.status), "failed": c.status == "FAILED", "by": c.by, "at": when(c.at),
                        "evidence": c.evidence_uri, "note": c.note}
                       for c in sorted(dossier.checks, key=lambda c: (c.at, c.kind)) if c.model_version == label],
            "approvals": [{"approver": a.approver, "roles": ", ".join(words(r) for r in a.roles), "stage": words(a.stage),
                           "at": when(a.at), "note": a.note}
                          for a in sorted(dossier.approvals, key=lambda a: (a.at, a.approver)) if a.model_version == label],
            "stages": [{"stage": words(s.stage), "since": when(s.since), "until": when(s.until), "by": s.by}
                       for s in sorted(dossier.stages, key=lambda s: s.since) if s.model_version == label],
            "metrics": [{"metric": m.metric, "value": f"{m.value:g}", "on": dataset_version_words(m.dataset_version)}
                        for m in sorted(dossier.measurements, key=lambda m: (m.metric, m.dataset_version))
                        if m.model_version == label],
            "restated": [{"what": r.what, "name": words(r.name) if r.what == "check" else r.name,
                          "recorded_at": when(r.recorded_at)}
                         for r in sorted(dossier.restated, key=lambda r: (r.recorded_at, r.name)) if r.model_version == label],
        })

    raw_sources = [{"name": a.label, "licence": a.fields.get("license"),
                    "licence_words": licence_words(a.fields["license"]) if a.fields.get("license") else None,
                    "non_commercial": is_non_commercial(a.fields.get("license") or ""),
                    "privacy": a.fields.get("privacy"), "owner": a.fields.get("owner"),
                    "description": a.fields.get("description")} for a in dossier.raw_sources]

    last_verified = {r.asset: r for r in dossier.verifications}
    artifacts = []
    # Model versions first (what is served or promoted), then the data they were built from.
    for asset in sorted((a for a in dossier.assets if a.kind in ("ModelVersion", "DatasetVersion")),
                        key=lambda a: a.kind != "ModelVersion"):
        found = last_verified.get(asset.label)
        recorded = asset.fields.get("artifact_digest") or asset.fields.get("digest")
        artifacts.append({
            "name": model_version_words(asset.label) if asset.kind == "ModelVersion" else dataset_version_words(asset.label),
            "outcome": words(found.outcome) if found else None,
            "blocking": bool(found) and found.outcome in ("DRIFT", "MISSING"),
            "means": vocabulary.description("ArtifactOutcome", found.outcome) if found else "",
            "when": when(found.at) if found else None, "by": found.by if found else None,
            "recorded": (found.expected if found else None) or recorded,
            "read": found.actual if found else None, "detail": found.detail if found else None})

    audit = dossier.audit
    incidents = [_incident(i, graph) for i in sorted(dossier.incidents, key=lambda i: i.opened_at)]
    return View(
        title=subject.label, subject_kind="deployment" if subject.kind == "Deployment" else "model version",
        as_of=when(dossier.as_of), generated_at=when(dossier.generated_at), deployment=deployment, model=model,
        serving=_switch(dossier.serving) if dossier.serving else None, licences=licences,
        non_commercial=[licence for licence in licences if licence["non_commercial"]], privacy=privacy,
        open_incidents=[i for i in incidents if i["open"]], incidents=incidents, complete=dossier.complete,
        raw_sources=raw_sources, diagram=graph.diagram(), model_versions=model_versions, runs=runs,
        history=[_switch(s) for s in dossier.deployment_history],
        existed=dossier.existed, artifacts=artifacts,
        audit={"ok": audit.ok, "head_seq": audit.head_seq, "head_hash": audit.head_hash, "checked": audit.checked,
               "problem": audit.problem,
               "scope": f"all {audit.checked} entries" if audit.checked >= audit.head_seq
               else f"the latest {audit.checked} of its {audit.head_seq} entries"} if audit else None)


# --- rendering -------------------------------------------------------------------------------------

class MarkdownText(str):
    """Text that is already Markdown: the Markdown environment prints it as it is."""


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}<>|~#!&$])")


def markdown_escape(value: object) -> str:
    """Any text as literal Markdown: every character Markdown or HTML could read as syntax backslash-escaped,
    line breaks as spaces (a table cell or a list item holds one line)."""
    if value is None:
        return ""
    if isinstance(value, MarkdownText):
        return value
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", re.sub(r"\s*[\r\n]+\s*", " ", str(value)))
    # What would start a list, a heading underline or a numbered item at the start of a line.
    text = re.sub(r"^([-+])(?=\s|$)", r"\\\1", text)
    text = re.sub(r"^([-=])(?=[-=]*$)", r"\\\1", text)
    return re.sub(r"^(\d{1,9})([.)])(?=\s|$)", r"\1\\\2", text)


def _environment(markdown: bool) -> Environment:
    if markdown:
        env = Environment(loader=PackageLoader("app.compliance", "templates"), autoescape=False,
                          finalize=markdown_escape, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                          keep_trailing_newline=True)
        env.filters["raw"] = MarkdownText  # for text this module made Markdown on purpose (the Mermaid source)
    else:
        env = Environment(loader=PackageLoader("app.compliance", "templates"), autoescape=select_autoescape(["html"]),
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env


_ENVIRONMENTS: dict[bool, Environment] = {}


def _template(name: str):
    markdown = name.endswith(".md")
    if markdown not in _ENVIRONMENTS:  # built on first use, not on import
        _ENVIRONMENTS[markdown] = _environment(markdown)
    return _ENVIRONMENTS[markdown].get_template(name)


def markdown(dossier: Dossier) -> str:
    """The report as Markdown (GitHub-flavoured: tables, a Mermaid block)."""
    return _template("report.md").render(v=report_view(dossier))


def html(dossier: Dossier) -> str:
    """The report as one self-contained, printable HTML page (no scripts, nothing fetched)."""
    return _template("report.html").render(v=report_view(dossier), box_width=BOX_WIDTH, box_height=BOX_HEIGHT)
