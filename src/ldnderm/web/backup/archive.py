"""The backup file: an uncompressed tar of ``manifest.json`` (first) and the database."""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

from ldnderm.kernel.errors import InvalidInput
from ldnderm.web.backup.manifest import Manifest

MANIFEST = "manifest.json"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def write(target: Path, manifest: Manifest, payload: Path) -> None:
    """Write the archive to ``target`` through a temporary name, so a failed backup never
    leaves a file that looks complete."""
    partial = target.with_name(target.name + ".partial")
    with tarfile.open(partial, "w") as tar:
        data = manifest.to_json().encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mode = 0o600
        tar.addfile(info, io.BytesIO(data))
        tar.add(payload, arcname=manifest.payload, recursive=False)
    partial.chmod(0o600)
    partial.replace(target)


def _open(path: Path) -> tarfile.TarFile:
    if not path.is_file():
        raise InvalidInput("FILE", f"{path} does not exist or is not a file")
    try:
        return tarfile.open(path, "r:")
    except tarfile.TarError:
        raise InvalidInput("FILE", f"{path} is not an ldnderm backup (not a tar file)") from None


def read_manifest(path: Path) -> Manifest:
    with _open(path) as tar:
        try:
            member = tar.extractfile(MANIFEST)
        except KeyError:
            member = None
        if member is None:
            raise InvalidInput("FILE", f"{path} holds no {MANIFEST}: not an ldnderm backup")
        return Manifest.from_json(member.read().decode(), f"{path}: {MANIFEST}")


def extract_payload(path: Path, manifest: Manifest, directory: Path) -> Path:
    """The database file, extracted into ``directory`` and checked against the manifest's
    SHA-256 (a damaged or altered file stops here)."""
    target = directory / "payload"
    with _open(path) as tar:
        try:
            member = tar.extractfile(manifest.payload)
        except KeyError:
            member = None
        if member is None:
            raise InvalidInput("FILE", f"{path} holds no {manifest.payload}")
        with target.open("wb") as out:
            while chunk := member.read(1 << 20):
                out.write(chunk)
    if sha256_of(target) != manifest.payload_sha256:
        raise InvalidInput(
            "FILE", f"{manifest.payload} in {path} does not match the SHA-256 in its manifest"
        )
    return target
