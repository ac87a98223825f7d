"""Concurrent switches of one deployment run one after the other (the switch write-locks the
deployment and the version first): however many race, one SERVES edge stays open, and the
history's spans follow each other without overlapping."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

SETUP = [
    ("registerTeam", "RegisterTeamInput", {"name": "risk"}),
    ("registerModel", "RegisterModelInput", {"name": "scorer", "owner": "risk"}),
    *[("registerModelVersion", "RegisterModelVersionInput", {"model": "scorer", "version": str(v)}) for v in range(6)],
]
SWITCH = """mutation($v: String!) { registerDeployment(input: {environment: TEST, name: "api",
  serving: {model: "scorer", version: $v}}) { __typename } }"""


def test_racing_switches_leave_one_open_serves_edge(graph, gql):
    for field, input_type, values in SETUP:
        assert not gql(f"mutation($i: {input_type}!) {{ {field}(input: $i) {{ __typename }} }}",
                       {"i": values})["data"][field]["__typename"].endswith("Error")
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda v: gql(SWITCH, {"v": str(v % 6)}), range(18)))
    assert all("errors" not in a for a in answers), answers
    serves = [row["props"] for row in graph("admin.all_edges") if row["type"] == "SERVES"]
    assert sum(1 for s in serves if s.get("until") is None) == 1, serves
    spans = sorted((s["since"].to_native(), s["until"].to_native() if s.get("until") else None) for s in serves)
    for (_, until), (since, _) in zip(spans, spans[1:]):
        assert until is not None and until <= since, spans
