"""Key lookups of concurrent requests read together (app/core/shared_reads.py).

Through the service: concurrent lookups by key and by id, and their nested fields, answer exactly
what each request answers alone, and in fewer reads than requests. The queue itself, against a
model of what each caller must get: random batches with random arrival and give-ups, a read that
fails, and the cap on keys per read."""

from __future__ import annotations

import asyncio
import random

import httpx
import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st

from app.core.errors import QueryTimeout
from app.core.shared_reads import SharedReads
from app.http.app import create_app
from tests.conftest import ADMIN_HEADERS

# Root lookups whose selection names no neighbour go through the batched loaders (a selection
# with neighbours is one statement of its own per request: app/catalog/loaders.py `lookup`); a
# page's nested fields do too.
LOOKUP = """query($model: String!, $version: String!) { modelVersion(model: $model, version: $version) {
  id version stage } }"""
BY_ID = """query($id: ID!) { modelVersion(id: $id) { id version modelName } }"""
PAGE = """{ models(first: 3) { nodes { name owner { name } versions { version producedBy { id } } } } }"""


def test_concurrent_lookups_answer_what_each_answers_alone_in_fewer_reads(graph, gql, settings):
    gql('mutation { registerTeam(input: {name: "shared"}) { __typename } }')
    for m in range(3):
        gql(f'mutation {{ registerModel(input: {{name: "m{m}", owner: "shared"}}) {{ __typename }} }}')
        for v in range(1, 5):
            gql(f'mutation {{ registerModelVersion(input: {{model: "m{m}", version: "{v}"}}) {{ __typename }} }}')
    keys = [{"model": f"m{m}", "version": str(v)} for m in range(3) for v in range(1, 5)]
    keys.append({"model": "m0", "version": "404"})  # nothing found: null, for that request only
    alone = {(k["model"], k["version"]): gql(LOOKUP, k) for k in keys}
    ids = [a["data"]["modelVersion"]["id"] for a in alone.values() if a["data"]["modelVersion"]]
    alone_by_id = {i: gql(BY_ID, {"id": i}) for i in ids}
    page = gql(PAGE)
    assert all("errors" not in a for a in [*alone.values(), *alone_by_id.values(), page])

    async def together():
        app = create_app(settings, configure_logs=False)
        async with app.router.lifespan_context(app), httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://test", headers=ADMIN_HEADERS) as http:
            shared = app.state.db.shared_reads
            shared.in_flight = 1  # so that requests arriving together certainly queue behind the first
            order = [("key", k) for k in keys * 3] + [("id", i) for i in ids * 2] + [("page", None)] * 6
            random.Random(3).shuffle(order)
            reads_before = shared.reads
            answers = await asyncio.gather(*(
                http.post("/graphql", json={"key": {"query": LOOKUP, "variables": what},
                                            "id": {"query": BY_ID, "variables": {"id": what}},
                                            "page": {"query": PAGE}}[how]) for how, what in order))
            return order, [a.json() for a in answers], shared.reads - reads_before

    order, answers, reads = asyncio.run(together())
    for (how, what), answer in zip(order, answers):
        expected = {"key": lambda: alone[(what["model"], what["version"])], "id": lambda: alone_by_id[what],
                    "page": lambda: page}[how]()
        assert answer == expected, (how, what)
    # 68 requests, each one batched lookup or more (a page three: owners, versions, their runs):
    # read together, far fewer reads than that.
    assert 0 < reads < len(order) / 2, reads


def _model(keys):
    """What a read of these keys finds: even numbers, each as its square."""
    return {k: k * k for k in keys if k % 2 == 0}


@hypothesis_settings(max_examples=60, deadline=None)
@given(batches=st.lists(st.tuples(st.lists(st.integers(0, 40), max_size=12), st.integers(0, 3), st.booleans()),
                        min_size=1, max_size=25),
       in_flight=st.integers(1, 3), max_keys=st.integers(1, 30))
def test_each_caller_gets_its_own_keys_as_a_read_alone_would_find_them(batches, in_flight, max_keys):
    """Batches arriving over a few loop turns, some given up on while waiting: each one still
    waiting gets exactly what a read of its own keys finds; no read exceeds the cap unless one
    batch alone does; no read is sent for keys nobody waits for any more."""
    shared = SharedReads(in_flight=in_flight, max_keys=max_keys)
    reads: list[list[int]] = []

    async def fetch(keys):
        reads.append(keys)
        await asyncio.sleep(0)
        return _model(keys)

    async def caller(keys, delay, gives_up):
        for _ in range(delay):
            await asyncio.sleep(0)
        task = asyncio.ensure_future(shared.load("squares", keys, fetch))
        if gives_up:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return None
        return await task

    async def run():
        return await asyncio.gather(*(caller(*b) for b in batches))

    answers = asyncio.run(run())
    for (keys, _, gives_up), answer in zip(batches, answers):
        if not gives_up:
            assert answer == _model(keys)
    biggest = max(len(set(keys)) for keys, _, _ in batches)
    assert all(len(read) <= max(max_keys, biggest) and len(read) == len(set(read)) for read in reads)
    assert all(read for read in reads)
    wanted = {k for keys, _, gives_up in batches if not gives_up for k in keys}
    assert wanted <= {k for read in reads for k in read}


def test_a_read_that_fails_fails_every_batch_in_it_and_the_next_read_goes_on():
    shared = SharedReads(in_flight=1)
    calls = []

    async def fetch(keys):
        calls.append(list(keys))
        await asyncio.sleep(0.01)
        if len(calls) == 2:
            raise QueryTimeout("too slow")
        return _model(keys)

    async def run():
        first = asyncio.ensure_future(shared.load("s", [2], fetch))
        await asyncio.sleep(0)  # the first read is under way: the next three queue for the second
        queued = [asyncio.ensure_future(shared.load("s", keys, fetch)) for keys in ([4], [6, 7], [8])]
        await asyncio.sleep(0)
        results = await asyncio.gather(first, *queued, return_exceptions=True)
        after = await shared.load("s", [10], fetch)
        return results, after

    results, after = asyncio.run(run())
    assert results[0] == {2: 4}
    assert all(isinstance(r, QueryTimeout) for r in results[1:])
    assert calls == [[2], [4, 6, 7, 8], [10]]
    assert after == {10: 100}
