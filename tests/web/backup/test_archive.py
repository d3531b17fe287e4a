"""The backup file: a tar of ``manifest.json`` and the database, checked when read."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.backup import archive
from ldnderm.web.backup.checksums import TableStat
from ldnderm.web.backup.manifest import FORMAT, Manifest


def _manifest(payload: Path) -> Manifest:
    return Manifest(
        backend="sqlite",
        created_at="2026-12-01T05:00:00+00:00",
        ldnderm_version="0.1.0",
        knowledge_version="k",
        payload="database.sqlite3",
        payload_sha256=archive.sha256_of(payload),
        tables={"t": TableStat(rows=2, checksum="ab" * 32)},
    )


@pytest.fixture
def written(tmp_path: Path) -> tuple[Path, Manifest]:
    payload = tmp_path / "database.sqlite3"
    payload.write_bytes(b"pretend database")
    manifest = _manifest(payload)
    target = tmp_path / "x.backup"
    archive.write(target, manifest, payload)
    return target, manifest


def test_the_manifest_and_database_round_trip(
    written: tuple[Path, Manifest], tmp_path: Path
) -> None:
    target, manifest = written
    assert archive.read_manifest(target) == manifest
    out = tmp_path / "out"
    out.mkdir()
    assert archive.extract_payload(target, manifest, out).read_bytes() == b"pretend database"
    assert target.stat().st_mode & 0o077 == 0  # private: it holds patient data
    assert not target.with_name(target.name + ".partial").exists()


def test_the_manifest_records_the_audit_head_slot(written: tuple[Path, Manifest]) -> None:
    data = json.loads(archive.read_manifest(written[0]).to_json())
    assert data["format"] == FORMAT and data["audit_head"] is None
    assert data["tables"] == {"t": {"rows": 2, "checksum": "ab" * 32}}


def test_an_altered_database_is_refused(written: tuple[Path, Manifest], tmp_path: Path) -> None:
    manifest = written[1]
    forged = tmp_path / "forged.backup"
    other = tmp_path / "database.sqlite3"
    other.write_bytes(b"another database")
    archive.write(forged, manifest, other)  # the manifest of the first, the bytes of another
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(InvalidInput, match="does not match the SHA-256"):
        archive.extract_payload(forged, manifest, out)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "does not exist"),
        (b"plain text", "not a tar file"),
    ],
)
def test_a_file_that_is_no_backup_is_refused(
    tmp_path: Path, content: bytes | None, problem: str
) -> None:
    path = tmp_path / "f"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InvalidInput, match=problem):
        archive.read_manifest(path)


def _tar_with(tmp_path: Path, manifest_text: str | None) -> Path:
    path = tmp_path / "t.tar"
    other = tmp_path / "other"
    other.write_text("x")
    with tarfile.open(path, "w") as tar:
        tar.add(other, arcname="other")
        if manifest_text is not None:
            inner = tmp_path / "manifest.json"
            inner.write_text(manifest_text)
            tar.add(inner, arcname="manifest.json")
    return path


def test_a_tar_without_a_manifest_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"holds no manifest\.json"):
        archive.read_manifest(_tar_with(tmp_path, None))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{", "not a backup manifest"),
        ('{"format": "other/9"}', "format 'other/9' is not known"),
        (json.dumps({"format": FORMAT, "backend": "mysql"}), "backend 'mysql'"),
        (json.dumps({"format": FORMAT, "backend": "sqlite"}), "not a backup manifest"),
    ],
)
def test_a_malformed_manifest_is_refused_naming_it(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem) as caught:
        archive.read_manifest(_tar_with(tmp_path, text))
    assert "manifest.json" in caught.value.field


def test_a_backup_without_its_database_is_refused(
    written: tuple[Path, Manifest], tmp_path: Path
) -> None:
    target, manifest = written
    missing = Manifest(**{**manifest.__dict__, "payload": "database.pgdump"})
    with pytest.raises(InvalidInput, match=r"holds no database\.pgdump"):
        archive.extract_payload(target, missing, tmp_path)
