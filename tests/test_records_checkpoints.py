"""Issue 15: `records verify` re-hashes the chain only after the instructor's latest signed
checkpoint; a checkpoint the instructor did not sign is refused, and what a trainee with an
SQLite shell does after (or to) the checkpointed part is still found."""

from __future__ import annotations

import json

import pytest

from sim.records import RecordStore, chain, instructor_records
from sim.records.authority import create_key
from tests.test_records_attacks import PASS, data, shell  # noqa: F401  (fixtures)
from tests.test_records_support import cli, fake_score, record


@pytest.fixture
def keyed(data):  # noqa: F811
    """A station with an instructor key, 6 finished attempts and a checkpoint after them, then
    2 more attempts (one unfinished)."""
    with RecordStore.open(data) as store:
        store.set_passphrase(PASS)
        for i in range(6):
            record(store, f"t-{i}", n=5, score=fake_score(70 + i))
        signed = instructor_records(store, PASS).checkpoint()
        assert signed is not None and signed["seq"] == 12 and signed["linked"] == 6
        record(store, "t-after", n=5, score=fake_score(80))
        record(store, "t-open", n=5, finish=False)
    return data


def _scan(data, *, full=False):  # noqa: F811
    with RecordStore.open(data) as store:
        store.conn.execute("BEGIN")
        try:
            return store.verify_scan([], full=full)
        finally:
            store.conn.execute("COMMIT")


def test_verify_rehashes_only_the_links_after_the_checkpoint(keyed):
    found = _scan(keyed)
    assert found.problems == []
    assert found.links == 15 and found.linked == 7
    assert found.links_hashed == 3 and found.rows_read == 3  # 2 starts and a finish after it
    full = _scan(keyed, full=True)
    assert full.problems == [] and full.links_hashed == 15 and full.head_hash == found.head_hash
    assert cli("records", "verify")[0] == 0


def test_without_a_checkpoint_every_link_is_rehashed(data):  # noqa: F811
    with RecordStore.open(data) as store:
        store.set_passphrase(PASS)
        for i in range(3):
            record(store, f"t-{i}", n=5, score=fake_score(70))
    found = _scan(data)
    assert found.problems == [] and found.links_hashed == 6


def test_a_forged_checkpoint_is_refused(keyed, tmp_path):
    """The trainee writes a checkpoint at the head, signed with a key of their own (or not
    signed at all): it is reported, and verify re-hashes everything instead of trusting it."""
    _, theirs = create_key(tmp_path / "theirs.json", "trainee's own passphrase")
    from sim.records import authority

    with RecordStore.open(keyed) as store:
        seq, _, digest = chain.head(store.conn)
        payload = {
            "format": "marrowsim-chain-checkpoint/1",
            "station": store.station,
            "seq": seq,
            "head": digest,
            "linked": 7,
            "at": store.now(),
            "key": "x",
        }
    forged = payload | {"signature": authority.sign(theirs, "checkpoint", payload)}
    shell(keyed, ("INSERT INTO chain_checkpoints VALUES (?, ?)", (seq, json.dumps(forged))),
          ("INSERT INTO chain_checkpoints VALUES (?, ?)", (seq + 1, "{}")))  # fmt: skip
    found = _scan(keyed)
    assert found.links_hashed == 15 - 12  # the instructor's own checkpoint (12) still counts
    forged_problems = [p for p in found.problems if p.subject == "chain checkpoint"]
    assert sorted(p.attempt_id for p in forged_problems) == [str(seq), str(seq + 1)]
    status, out, _ = cli("records", "verify")
    assert status == 1 and "not signed by the instructor key" in out


def test_an_edited_checkpoint_hash_is_refused(keyed):
    """Changing the signed checkpoint (to match a rebuilt chain) breaks its signature."""
    with RecordStore.open(keyed) as store:
        (text,) = store.conn.execute("SELECT signed FROM chain_checkpoints").fetchone()
    signed = json.loads(text) | {"head": "f" * 64}
    shell(keyed, ("UPDATE chain_checkpoints SET signed = ?", (json.dumps(signed),)))
    found = _scan(keyed)
    assert found.links_hashed == 15  # no trusted checkpoint: everything re-hashed
    assert [p.subject for p in found.problems] == ["chain checkpoint"]


def test_changes_after_the_checkpoint_are_found(keyed):
    with RecordStore.open(keyed) as store:
        (after,) = store.conn.execute(
            "SELECT id FROM attempts WHERE trainee_id = 't-after'"
        ).fetchone()
    shell(keyed, ("UPDATE attempts SET score_total = 100 WHERE id = ?", (after,)))
    found = _scan(keyed)
    assert [(p.attempt_id, p.message) for p in found.problems] == [
        (after, "stored result or command log was changed")
    ]


def test_deleting_an_attempt_before_the_checkpoint_is_found(keyed):
    with RecordStore.open(keyed) as store:
        (early,) = store.conn.execute("SELECT id FROM attempts WHERE seq = 4").fetchone()
    shell(keyed, ("DELETE FROM attempt_commands WHERE attempt_id = ?", (early,)),
          ("DELETE FROM attempts WHERE id = ?", (early,)))  # fmt: skip
    found = _scan(keyed)
    assert any("expected" in p.message for p in found.problems)  # a gap in the chain


def test_a_chain_rebuilt_after_a_deletion_is_found_by_the_checkpoint(keyed):
    """The trainee deletes an early attempt and recomputes every link after it (head too):
    the chain is self-consistent, but link 12 no longer has the hash the instructor signed."""
    import sqlite3

    from sim.records import db_path

    with RecordStore.open(keyed) as store:
        (early,) = store.conn.execute("SELECT id FROM attempts WHERE seq = 2").fetchone()
    shell(keyed, ("DELETE FROM attempt_commands WHERE attempt_id = ?", (early,)),
          ("DELETE FROM attempts WHERE id = ?", (early,)))  # fmt: skip
    conn = sqlite3.connect(db_path(keyed), isolation_level=None)
    conn.row_factory = sqlite3.Row
    for name in [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]:
        conn.execute(f"DROP TRIGGER {name}")
    links = []
    for r in conn.execute("SELECT * FROM attempts"):
        r = dict(r)
        links.append((r["start_seq"], "s", r))
        if r["seq"] is not None:
            links.append((r["seq"], "f", r))
    links.sort(key=lambda x: x[0])
    prev, last = chain.GENESIS, ""
    for n, (_, kind, r) in enumerate(links, 1):
        if kind == "s":
            digest = chain.link_hash(prev, chain.canonical_start(r))
            conn.execute("UPDATE attempts SET start_seq=?, start_prev=?, start_hash=? WHERE id=?",
                         (-n, prev, digest, r["id"]))  # fmt: skip
        else:
            digest = chain.link_hash(prev, chain.canonical(r, chain.commands_digest(conn, r["id"])))
            conn.execute("UPDATE attempts SET seq=?, prev_hash=?, record_hash=? WHERE id=?",
                         (-n, prev, digest, r["id"]))  # fmt: skip
        prev, last = digest, r["id"]
    conn.execute("UPDATE attempts SET start_seq = -start_seq, seq = -seq")
    conn.execute("UPDATE settings SET value = ? WHERE key = 'chain_head'",
                 (f"{len(links)}:{last}:{prev}",))  # fmt: skip
    conn.close()
    found = _scan(keyed)
    assert any("signed checkpoint" in p.message for p in found.problems)


def test_an_in_place_edit_before_the_checkpoint_needs_the_full_verify(keyed):
    """What a checkpoint does not vouch for: an old row's content changed with its stored
    hashes left alone is found by `records verify --full`, not by the quick verify."""
    with RecordStore.open(keyed) as store:
        (early,) = store.conn.execute("SELECT id FROM attempts WHERE seq = 4").fetchone()
    shell(keyed, ("UPDATE attempts SET score_total = 100 WHERE id = ?", (early,)))
    assert _scan(keyed).problems == []
    full = _scan(keyed, full=True)
    assert [(p.attempt_id, p.message) for p in full.problems] == [
        (early, "stored result or command log was changed")
    ]
    status, out, _ = cli("records", "verify", "--full")
    assert status == 1 and early in out
