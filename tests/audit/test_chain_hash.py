"""The hash an append computes is the one verification recomputes from what is stored.

`chained` hashes the summaries it holds in memory; `verify` hashes what it reads back, the stored
JSON text parsed (`hashed_view`). Any summary whose JSON round trip changed a value would make a
freshly written event fail verification; so summaries of every shape the services hand over
(text past the length limit, non-finite floats, sets, times, nested maps and lists) are checked
against the independent path: store, parse back, hash by the documented rule.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from app.audit.chain import GENESIS_HASH, MAX_SUMMARY_TEXT, chained, event_hash, hashed_view
from app.audit.entry import AuditEntry

_times = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))
_scalars = (st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70)
            | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=MAX_SUMMARY_TEXT + 40) | _times)
_values = st.recursive(
    _scalars,
    lambda inner: (st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
                   | st.frozensets(st.text(max_size=6), max_size=3) | st.tuples(inner, inner)),
    max_leaves=12)
_summaries = st.none() | st.dictionaries(st.text(max_size=10), _values, max_size=5)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_summaries, _summaries), min_size=1, max_size=4), st.integers(min_value=0, max_value=10**6))
def test_appended_hashes_are_what_verification_recomputes(summaries, last_seq):
    entries = [AuditEntry(actor="a", action="lineageEvent", target_kind="Run", target_key="k", target_id=None,
                          before=before, after=after) for before, after in summaries]
    events = chained(entries, last_seq, GENESIS_HASH)
    prev_hash = GENESIS_HASH
    for event in events:
        assert event["prev_hash"] == prev_hash
        assert event["hash"] == event_hash(prev_hash, hashed_view(event))
        prev_hash = event["hash"]
