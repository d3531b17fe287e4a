"""The knowledge cache serves parsed data files keyed by the knowledge hash, never stale ones."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ldnderm.kernel import yamlio
from ldnderm.kernel.knowledge_cache import KnowledgeCache, default_cache_dir
from ldnderm.kernel.version import DATA_DIR, content_hash, tree_hash
from ldnderm.kernel.yamlio import load_yaml, parse_yaml


def _data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    (data / "measures").mkdir(parents=True)
    (data / "sources.yaml").write_text("sources:\n  - id: a\n    tier: 1\n", encoding="utf-8")
    (data / "measures" / "m.yaml").write_text("id: m\nitems: [q1, q2]\n", encoding="utf-8")
    return data


def _cache(data: Path, tmp_path: Path) -> KnowledgeCache:
    return KnowledgeCache(data, tmp_path / "cache", tree_hash(data))


def test_a_stored_document_is_served_back_for_the_same_key(tmp_path: Path) -> None:
    data = _data(tmp_path)
    path = data / "measures" / "m.yaml"
    cache = _cache(data, tmp_path)
    assert cache.get(path) == (False, None)
    assert cache.put(path, parse_yaml(path))
    assert cache.get(path) == (True, {"id": "m", "items": ["q1", "q2"]})


def test_changing_any_data_file_changes_the_key_so_the_old_entry_is_never_read(
    tmp_path: Path,
) -> None:
    data = _data(tmp_path)
    measure = data / "measures" / "m.yaml"
    before = _cache(data, tmp_path)
    assert before.put(measure, parse_yaml(measure))
    # an edit to a different file than the cached one still changes the key
    (data / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    after = _cache(data, tmp_path)
    assert after.key != before.key
    assert after.get(measure) == (False, None)
    # and so does adding a file
    (data / "new.yaml").write_text("x: 1\n", encoding="utf-8")
    assert tree_hash(data) != after.key


def test_a_corrupt_entry_is_a_miss_not_an_error(tmp_path: Path) -> None:
    data = _data(tmp_path)
    path = data / "measures" / "m.yaml"
    cache = _cache(data, tmp_path)
    assert cache.put(path, parse_yaml(path))
    (entry,) = cache.directory.iterdir()
    entry.write_text('{"format": 1, "key": ', encoding="utf-8")
    assert cache.get(path) == (False, None)
    entry.write_text("[1, 2]", encoding="utf-8")
    assert cache.get(path) == (False, None)


@pytest.mark.parametrize(
    ("field", "value"), [("key", "000000000000"), ("path", "other.yaml"), ("format", 0)]
)
def test_an_entry_recorded_for_another_key_path_or_format_is_ignored(
    tmp_path: Path, field: str, value: object
) -> None:
    data = _data(tmp_path)
    path = data / "measures" / "m.yaml"
    cache = _cache(data, tmp_path)
    assert cache.put(path, {"id": "m"})
    (entry,) = cache.directory.iterdir()
    record = json.loads(entry.read_text(encoding="utf-8"))
    record[field] = value
    entry.write_text(json.dumps(record), encoding="utf-8")
    assert cache.get(path) == (False, None)


def test_documents_json_cannot_hold_exactly_are_not_cached(tmp_path: Path) -> None:
    data = _data(tmp_path)
    path = data / "measures" / "m.yaml"
    cache = _cache(data, tmp_path)
    path.write_text("published: 2001-01-01\n", encoding="utf-8")
    assert not cache.put(path, parse_yaml(path))  # a date
    assert not cache.put(path, {"$map": [["a", 1]]})  # would come back as {"a": 1}
    assert not cache.put(path, {(1, 2): "tuple key"})
    assert cache.get(path) == (False, None)


def test_mappings_with_integer_keys_come_back_with_integer_keys(tmp_path: Path) -> None:
    data = _data(tmp_path)
    path = data / "measures" / "m.yaml"
    cache = _cache(data, tmp_path)
    anchors = {"anchors": {0: "none", 10: "worst"}, "rows": [{1: {"x": [True, None, 1.5]}}]}
    assert cache.put(path, anchors)
    assert cache.get(path) == (True, anchors)


def test_files_outside_the_data_directory_are_not_cached(tmp_path: Path) -> None:
    data = _data(tmp_path)
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("a: 1\n", encoding="utf-8")
    cache = _cache(data, tmp_path)
    assert not cache.put(outside, {"a": 1})
    assert cache.get(outside) == (False, None)


def test_a_cache_directory_that_is_a_file_only_costs_the_speed_up(tmp_path: Path) -> None:
    data = _data(tmp_path)
    path = data / "measures" / "m.yaml"
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    cache = KnowledgeCache(data, blocker, tree_hash(data))
    assert not cache.put(path, {"id": "m"})
    assert cache.get(path) == (False, None)


def test_the_cache_directory_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LDNDERM_CACHE_DIR", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    monkeypatch.setenv("LDNDERM_CACHE_DIR", "")
    assert default_cache_dir() is None
    monkeypatch.delenv("LDNDERM_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "ldnderm"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "ldnderm"


@pytest.fixture
def shipped_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """load_yaml with the shipped data's cache in a fresh directory."""
    monkeypatch.setenv("LDNDERM_CACHE_DIR", str(tmp_path / "cache"))
    yamlio._knowledge_cache.cache_clear()
    yield tmp_path / "cache" / f"knowledge-{content_hash()}"
    yamlio._knowledge_cache.cache_clear()


def test_every_shipped_data_file_loads_the_same_from_the_cache_as_from_yaml(
    shipped_cache: Path,
) -> None:
    files = sorted(DATA_DIR.rglob("*.yaml"))
    first = [load_yaml(p) for p in files]  # parses and fills the cache
    assert len(list(shipped_cache.iterdir())) == len(files)  # every shipped file is cacheable
    second = [load_yaml(p) for p in files]  # served from the cache where cached
    assert first == second == [parse_yaml(p) for p in files]


def test_a_cache_hit_does_not_parse_yaml(
    shipped_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = DATA_DIR / "sources.yaml"
    expected = load_yaml(path)

    def refuse(_: Path) -> None:
        raise AssertionError("parsed although cached")

    monkeypatch.setattr(yamlio, "parse_yaml", refuse)
    assert load_yaml(path) == expected


def test_an_empty_cache_setting_parses_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LDNDERM_CACHE_DIR", "")
    yamlio._knowledge_cache.cache_clear()
    try:
        assert yamlio._knowledge_cache() is None
        path = DATA_DIR / "hosts.yaml"
        assert load_yaml(path) == parse_yaml(path)
    finally:
        yamlio._knowledge_cache.cache_clear()
