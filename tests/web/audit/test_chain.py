"""The hash chain over audit rows: every append extends it, and ``verify`` names the first row
that was changed, deleted or inserted behind the application's back, or a tail cut off."""

from __future__ import annotations

import pytest

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.audit import hashing
from ldnderm.web.audit.log import Action, bulk_record, record
from ldnderm.web.audit.models import AuditEvent, ChainHead
from ldnderm.web.audit.verify import current_head, verify
from tests.web.audit.actors import ACTOR
from tests.web.audit.tamper import raw

pytestmark = pytest.mark.db


@pytest.fixture
def rows(db: None) -> list[AuditEvent]:
    """Six rows: three recorded one by one, three in one bulk insert."""
    for n in range(3):
        record(ACTOR, Action.READ, "patient", n, n, view="record", n=n)
    bulk_record(ACTOR, Action.LIST, [("patient", n, n) for n in range(3, 6)], q="ad")
    return list(AuditEvent.objects.order_by("seq"))


def test_each_row_follows_the_one_before(rows: list[AuditEvent]) -> None:
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5, 6]
    previous = hashing.GENESIS
    for row in rows:
        assert row.detail_hash == hashing.detail_hash(row.detail)
        assert row.chain_hash == hashing.chain_hash(previous, row.content_hash)
        previous = row.chain_hash
    assert ChainHead.objects.get().seq == 6


def test_an_untouched_chain_verifies_and_its_head_is_the_last_row(rows: list[AuditEvent]) -> None:
    result = verify()
    assert result.ok and result.rows == 6
    head = current_head()
    assert head.id == rows[-1].pk and head.chain_hash == rows[-1].chain_hash
    assert verify(head.token).ok


def test_an_empty_trail_verifies(db: None) -> None:
    assert verify().ok and current_head().token == f"0:{hashing.GENESIS}"


def test_a_changed_detail_is_named(rows: list[AuditEvent]) -> None:
    raw(
        "UPDATE audit_auditevent SET detail = %s WHERE id = %s",
        ['{"view": "nothing", "n": 1}', rows[1].pk],
    )
    result = verify()
    assert not result.ok and result.row_id == rows[1].pk
    assert f"row {rows[1].pk} (seq 2): changed" in (result.problem or "")


def test_a_changed_column_is_named(rows: list[AuditEvent]) -> None:
    raw("UPDATE audit_auditevent SET username = 'mallory' WHERE id = %s", [rows[2].pk])
    result = verify()
    assert result.row_id == rows[2].pk and "columns do not match" in (result.problem or "")


def test_a_row_deleted_in_the_middle_is_named_by_the_row_after_the_gap(
    rows: list[AuditEvent],
) -> None:
    raw("DELETE FROM audit_auditevent WHERE id IN (%s, %s)", [rows[2].pk, rows[3].pk])
    result = verify()
    assert result.row_id == rows[4].pk
    assert "(seq 3..4) were deleted" in (result.problem or "")


def test_a_row_inserted_with_a_copied_hash_is_named(rows: list[AuditEvent]) -> None:
    """A forged row takes seq 4 (the real one moved away) and the real row's hashes."""
    real = rows[3]
    raw("UPDATE audit_auditevent SET seq = 99 WHERE id = %s", [real.pk])
    forged = AuditEvent(
        action="read", object_type="patient", object_id="3", patient_id=3, username="mallory"
    )
    forged.detail, forged.seq = {}, 4
    forged.detail_hash = hashing.detail_hash({})
    forged.content_hash = hashing.content_hash(
        {f: getattr(forged, f) for f in hashing.CONTENT_FIELDS}
    )
    forged.chain_hash = real.chain_hash
    raw(
        "INSERT INTO audit_auditevent (at, user_id, username, clinic_id, action, object_type, "
        "object_id, patient_id, request_id, path, ip, detail, seq, detail_hash, content_hash, "
        "chain_hash) VALUES (%s, NULL, 'mallory', NULL, 'read', 'patient', '3', 3, '', '', '', "
        "'{}', 4, %s, %s, %s)",
        [forged.at, forged.detail_hash, forged.content_hash, forged.chain_hash],
    )
    inserted = AuditEvent.objects.get(username="mallory")
    result = verify()
    assert result.row_id == inserted.pk and "inserted" in (result.problem or "")


def test_a_truncated_tail_shows_against_the_kept_head(rows: list[AuditEvent]) -> None:
    kept = current_head().token
    raw("DELETE FROM audit_auditevent WHERE seq > 4")
    # Without the chain-head record, only the head kept outside the database shows it.
    ChainHead.objects.all().delete()
    assert verify().ok
    result = verify(kept)
    assert not result.ok and result.row_id == rows[-1].pk
    assert f"row {rows[-1].pk} (the kept head) is missing" in (result.problem or "")


def test_a_truncated_tail_shows_against_the_chain_head_record(rows: list[AuditEvent]) -> None:
    raw("DELETE FROM audit_auditevent WHERE seq > 4")
    result = verify()
    assert result.row_id == rows[3].pk and "tail of the chain was deleted" in (result.problem or "")


def test_a_rebuilt_chain_shows_only_against_the_kept_head(rows: list[AuditEvent]) -> None:
    """Anyone can recompute unkeyed hashes: the kept head is what catches a rewrite."""
    kept = current_head().token
    previous = hashing.GENESIS
    for row in rows:
        row.username = "mallory" if row.seq == 2 else row.username
        content = hashing.content_hash({f: getattr(row, f) for f in hashing.CONTENT_FIELDS})
        previous = hashing.chain_hash(previous, content)
        raw(
            "UPDATE audit_auditevent SET username = %s, content_hash = %s, chain_hash = %s "
            "WHERE id = %s",
            [row.username, content, previous, row.pk],
        )
    ChainHead.objects.update(chain_hash=previous)
    assert verify().ok
    result = verify(kept)
    assert result.row_id == rows[-1].pk and "rewritten" in (result.problem or "")


@pytest.mark.parametrize("bad", ["", "12", "x:abc", "3:" + "g" * 64, "3:" + "a" * 63])
def test_a_malformed_head_is_invalid_input_naming_head(db: None, bad: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        verify(bad)
    assert caught.value.field == "--head"


def test_rows_appended_after_the_head_record_was_read_are_fine(rows: list[AuditEvent]) -> None:
    """As when writers append during a walk: the record read first lies before the last row."""
    ChainHead.objects.update(seq=4, chain_hash=rows[3].chain_hash)
    assert verify().ok


def test_a_head_record_that_disagrees_with_its_row_is_named(rows: list[AuditEvent]) -> None:
    ChainHead.objects.update(seq=4, chain_hash=hashing.GENESIS)
    result = verify()
    assert result.row_id == rows[3].pk and "chain head record" in (result.problem or "")


def test_a_lost_head_record_is_rebuilt_from_the_last_row(rows: list[AuditEvent]) -> None:
    ChainHead.objects.all().delete()
    event = record(ACTOR, Action.READ, "patient", 1, 1)
    assert event.seq == 7 and verify().ok
