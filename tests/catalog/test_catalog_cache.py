"""The on-disk cache: reused while the data is unchanged, rebuilt otherwise, never trusted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiegram.catalog import load_catalog
from kiegram.catalog.cache import CACHE_FILE, cache_key
from kiegram.errors import CatalogError

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(FIXTURES / "good", copy)
    return copy


def _specs(data: Path, cache: Path | None = None) -> list[object]:
    return list(load_catalog(data, cache_dir=cache))


def test_a_miss_writes_the_cache_and_a_hit_returns_equal_specs(data: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _specs(data, cache)
    assert (cache / CACHE_FILE).is_file()
    stamp = (cache / CACHE_FILE).stat().st_mtime_ns
    second = _specs(data, cache)
    assert second == first == _specs(data)
    assert (cache / CACHE_FILE).stat().st_mtime_ns == stamp  # reused, not rewritten


def test_a_hit_does_not_validate_the_data_again(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    expected = _specs(data, cache)

    def fail(*_: object) -> None:
        raise AssertionError("the data was validated although the cache matched")

    monkeypatch.setattr("kiegram.catalog.loader._validate", fail)
    assert _specs(data, cache) == expected


def test_a_data_change_invalidates_the_cache(data: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert load_catalog(data, cache_dir=cache).get("alpha_t2i") is not None
    alpha = data / "alpha.toml"
    alpha.write_text(alpha.read_text().replace('code = "alpha_t2i"', 'code = "alpha_new"'))
    catalog = load_catalog(data, cache_dir=cache)
    assert catalog.get("alpha_t2i") is None and catalog.get("alpha_new") is not None
    assert load_catalog(data, cache_dir=cache).get("alpha_new") is not None


def test_a_new_broken_file_is_still_rejected_with_a_warm_cache(data: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _specs(data, cache)
    shutil.copy(FIXTURES / "broken" / "order_unknown.toml", data)
    with pytest.raises(CatalogError, match=r"order_unknown\.toml"):
        _specs(data, cache)


def test_the_package_version_is_part_of_the_key() -> None:
    files = {"a.toml": b"x = 1"}
    assert cache_key(files, "1.0") != cache_key(files, "1.1")
    assert cache_key(files, "1.0") != cache_key({"b.toml": b"x = 1"}, "1.0")


@pytest.mark.parametrize(
    "garbage",
    [b"", b"not a cache", b"\x80\x05garbage", None],
    ids=["empty", "text", "bad-pickle", "truncated"],
)
def test_a_corrupt_cache_is_ignored_and_rebuilt(
    data: Path, tmp_path: Path, garbage: bytes | None
) -> None:
    cache = tmp_path / "cache"
    expected = _specs(data, cache)
    path = cache / CACHE_FILE
    content = path.read_bytes()
    # None: keep the right key line but cut the pickle short.
    path.write_bytes(content[: len(content) // 2] if garbage is None else garbage)
    assert _specs(data, cache) == expected
    assert path.read_bytes() == content  # rewritten whole


def test_a_cache_holding_something_else_is_ignored(data: Path, tmp_path: Path) -> None:
    import pickle

    cache = tmp_path / "cache"
    expected = _specs(data, cache)
    path = cache / CACHE_FILE
    key = path.read_bytes().split(b"\n", 1)[0]
    path.write_bytes(key + b"\n" + pickle.dumps(("not", "specs")))
    assert _specs(data, cache) == expected


def test_an_unwritable_cache_dir_still_loads(data: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache dir should be")
    assert _specs(data, blocker / "cache") == _specs(data)


def test_no_temporary_files_are_left_behind(data: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _specs(data, cache)
    (data / "alpha.toml").write_text((data / "alpha.toml").read_text() + "\n# changed\n")
    _specs(data, cache)
    assert [p.name for p in cache.iterdir()] == [CACHE_FILE]
