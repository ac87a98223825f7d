"""Signed checkpoints detect what the chain alone cannot: someone with database access who cuts
the tail and moves the head back, rewrites an event and re-hashes everything after it, or
replaces the history after some point with a forked one. Each attack is shown to pass the plain
verification first, so the checkpoint is what catches it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from app.audit import chain
from app.audit import checkpoint as checkpoints
from app.cli.main import main
from app.http.app import create_app
from tests.audit.test_audit_trail import _events, _register_history
from tests.conftest import ADMIN_HEADERS

VERIFY = """query($checkpoint: JSON) { verifyAudit(checkpoint: $checkpoint) {
  ok checked firstBrokenSeq reason headSeq headHash checkpointSeq } }"""


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("audit-keys")
    result = CliRunner().invoke(main, ["audit", "keygen", "--out", str(folder / "audit.key")])
    assert result.exit_code == 0, result.output
    return folder / "audit.key", folder / "audit.key.pub"


@pytest.fixture(scope="module")
def keyed(settings, keys, client):
    """The service trusting the test key (LINEAGEGRAPH_AUDIT_PUBLIC_KEY)."""
    app = create_app(settings.model_copy(update={"audit_public_key": keys[1]}), configure_logs=False)
    with TestClient(app, raise_server_exceptions=False, headers=ADMIN_HEADERS) as test_client:
        yield test_client


def _verify(keyed, document=None) -> dict:
    body = keyed.post("/graphql", json={"query": VERIFY, "variables": {"checkpoint": document}}).json()
    assert "errors" not in body, body
    return body["data"]["verifyAudit"]


def _checkpoint_now(keyed, keys) -> dict:
    verdict = _verify(keyed)
    assert verdict["ok"], verdict
    return checkpoints.sign(verdict["headSeq"], verdict["headHash"], checkpoints.load_signing_key(keys[0]))


def _rehash_from(run_cypher, seq: int, new_after: str) -> None:
    """Rewrite event `seq` and recompute every hash after it, as an attacker who read the README would."""
    events = _events(run_cypher)
    prev = chain.GENESIS_HASH if seq == 1 else next(e["hash"] for e in events if e["seq"] == seq - 1)
    for event in (e for e in events if e["seq"] >= seq):
        after = new_after if event["seq"] == seq else event["after"]
        digest = chain.event_hash(prev, chain.hashed_view({**event, "after": after}))
        run_cypher("admin.rewrite_audit_event", seq=event["seq"], after=after, prev_hash=prev, hash=digest)
        prev = digest
    run_cypher("admin.cut_audit_chain", seq=events[-1]["seq"], last_hash=prev)


def test_a_fresh_checkpoint_verifies_and_names_its_seq(graph, gql, keyed, keys):
    _register_history(gql)
    document = _checkpoint_now(keyed, keys)
    _register_history(gql, versions=2)  # the chain goes on after the checkpoint
    verdict = _verify(keyed, document)
    assert verdict["ok"] and verdict["checkpointSeq"] == document["seq"] and verdict["headSeq"] > document["seq"]


def test_a_cut_tail_with_its_head_moved_back_is_detected(graph, gql, keyed, keys):
    _register_history(gql)
    document = _checkpoint_now(keyed, keys)
    events = _events(graph)
    keep = document["seq"] - 2
    graph("admin.cut_audit_chain", seq=keep, last_hash=next(e["hash"] for e in events if e["seq"] == keep))
    assert _verify(keyed)["ok"], "without a checkpoint, the cut chain holds on its own"
    verdict = _verify(keyed, document)
    assert (verdict["ok"], verdict["firstBrokenSeq"]) == (False, keep + 1)
    assert "removed" in verdict["reason"]


def test_a_rewritten_and_rehashed_history_is_detected(graph, gql, keyed, keys):
    _register_history(gql)
    document = _checkpoint_now(keyed, keys)
    _rehash_from(graph, 3, '{"description":"nothing to see","name":"t","namespace":"s3://raw"}')
    assert _verify(keyed)["ok"], "without a checkpoint, the re-hashed chain holds on its own"
    verdict = _verify(keyed, document)
    assert (verdict["ok"], verdict["firstBrokenSeq"]) == (False, document["seq"])
    assert "rewritten" in verdict["reason"]


def test_a_forked_history_longer_than_the_checkpoint_is_detected(graph, gql, keyed, keys):
    _register_history(gql)
    document = _checkpoint_now(keyed, keys)
    events = _events(graph)
    graph("admin.cut_audit_chain", seq=2, last_hash=next(e["hash"] for e in events if e["seq"] == 2))
    _register_history(gql, versions=6)  # another history from seq 3 on, past the checkpoint's seq
    assert _verify(keyed)["ok"] and _verify(keyed)["headSeq"] > document["seq"]
    verdict = _verify(keyed, document)
    assert (verdict["ok"], verdict["firstBrokenSeq"]) == (False, document["seq"])


def test_a_forged_or_foreign_checkpoint_is_refused(graph, gql, keyed, keys):
    _register_history(gql)
    document = _checkpoint_now(keyed, keys)
    forged = {**document, "seq": document["seq"] - 1}
    foreign = checkpoints.sign(document["seq"], document["hash"], checkpoints.new_signing_key())
    for bad, why in ((forged, "signature"), (foreign, "another key"), ({"seq": 1}, "not a"), ("text", "not a")):
        body = keyed.post("/graphql", json={"query": VERIFY, "variables": {"checkpoint": bad}}).json()
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["extensions"]["field"] == "checkpoint"
        assert why in error["message"], error


def test_a_service_without_a_trusted_key_refuses_checkpoints(graph, gql, keyed, keys):
    document = _checkpoint_now(keyed, keys)
    body = gql(VERIFY, {"checkpoint": document})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "LINEAGEGRAPH_AUDIT_PUBLIC_KEY" in body["errors"][0]["message"]


def test_the_cli_signs_a_checkpoint_the_service_accepts(graph, gql, keyed, keys, live_service, tmp_path):
    _register_history(gql)
    out = tmp_path / "checkpoint.json"
    runner = CliRunner()
    signed = runner.invoke(main, ["audit", "checkpoint", "--signing-key", str(keys[0]), "--out", str(out),
                                  "--registry-url", live_service])
    assert signed.exit_code == 0, signed.output
    document = json.loads(out.read_text())
    assert _verify(keyed, document)["ok"]
    plain = runner.invoke(main, ["audit", "verify", "--registry-url", live_service])
    assert plain.exit_code == 0 and "holds" in plain.output
    # The live service trusts no key: the checkpoint is refused, exit 1.
    refused = runner.invoke(main, ["audit", "verify", "--checkpoint", str(out), "--registry-url", live_service])
    assert refused.exit_code == 1, refused.output


def test_a_broken_chain_is_not_signed(graph, gql, keys, live_service, tmp_path):
    _register_history(gql)
    graph("admin.tamper_audit_event", seq=2, after=None, actor="somebody-else")
    out = tmp_path / "checkpoint.json"
    result = CliRunner().invoke(main, ["audit", "checkpoint", "--signing-key", str(keys[0]), "--out", str(out),
                                       "--registry-url", live_service])
    assert result.exit_code == 1 and "BROKEN at seq 2" in result.output
    assert not out.exists()


def test_a_checkpoint_of_the_wrong_shape_or_a_start_past_it_is_bad_user_input(graph, gql, keyed, keys):
    _register_history(gql)
    document = _checkpoint_now(keyed, keys)
    for bad in ({**document, "signature": 123}, {**document, "signature": ["x"]}, {**document, "seq": True}):
        body = keyed.post("/graphql", json={"query": VERIFY, "variables": {"checkpoint": bad}}).json()
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
    # Starting past the checkpoint would trust the events between unchecked.
    past = keyed.post("/graphql", json={"query": """query($c: JSON, $from: Int!) { verifyAudit(checkpoint: $c,
        fromSeq: $from) { ok } }""", "variables": {"c": document, "from": document["seq"] + 2}}).json()
    assert past["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "fromSeq"}
