"""The index directory: written once, read back as written, swapped in atomically, refused when it does not fit."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from core import store
from core.embed import HashEmbedder
from core.errors import ConfigError, IndexMismatchError, IndexMissingError
from core.records import Clause, Unit
from core.sources import Source

EMBEDDER = HashEmbedder(16)
SOURCE = Source("d-1", "Testlag (2020:1)", "statute", "law", "sv", "sfs-json", short="TL", path="d.json",
                aliases=("testlagen",))
CLAUSES = [
    Clause("d-1#1:1", "d-1", "1:1", "1 kap. 1 §", ("1 kap. Inledning", "Syfte"), "Lagen gäller.\n1. för alla,",
           "sv", 0, 0, 28, status="in_force", amended_by="Lag (2021:2)",
           units=(Unit("stycke", "1", 0, 28), Unit("punkt", "1:1", 14, 28))),
    Clause("d-1#1:2@2026-03-01", "d-1", "1:2@2026-03-01", "1 kap. 2 § (lydelse t.o.m. 2026-03-01)",
           ("1 kap. Inledning",), "Gammal lydelse.", "sv", 1, 30, 45, status="expired", valid_to="2026-03-01",
           note="Ersatt"),
]


def _content(version: str = "v1", fingerprint: dict | None = None) -> store.IndexContent:
    passages = [store.Span(0, 0, 28, "p0"), store.Span(1, 0, 15, "p1")]
    sentences = [store.Span(0, 0, 13, "s0")]
    document = store.Document(SOURCE, SOURCE.title, "hash", {"as_of": "t.o.m. SFS 2021:2"}, "text", 0)
    return store.IndexContent(
        [document], CLAUSES, passages, EMBEDDER.encode_passages([c.text for c in CLAUSES]), sentences,
        EMBEDDER.encode_passages(["Lagen gäller."]), [["lag", "gäll"], ["gammal"]], ["gammal", "lagen"],
        {"format_version": store.FORMAT_VERSION, "index_version": version, "embedding": fingerprint or
         EMBEDDER.fingerprint, "segmenter_version": store.SEGMENTER_VERSION, "documents": {}},
    )


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    """A current index at tmp/index: a symbolic link to its build."""
    index = tmp_path / "index"
    build = store.new_build_dir(index)
    store.write_index(build, _content())
    store.swap_in(index, build)
    return index


def test_what_is_written_is_read_back(index_dir: Path) -> None:
    data = store.IndexData(index_dir)
    assert data.clauses == CLAUSES, "clauses come back field for field (units, heading paths, statuses)"
    assert data.clause("d-1#1:2@2026-03-01") == CLAUSES[1] and data.clause("d-1#9") is None
    document = data.documents["d-1"]
    assert document.source == SOURCE and document.source.aliases == ("testlagen",), "the manifest row is kept"
    assert (document.title, document.content_hash, document.text) == (SOURCE.title, "hash", "text")
    assert [(p.clause_idx, p.start, p.end) for p in data.passages] == [(0, 0, 28), (1, 0, 15)]
    assert np.allclose(data.passage_vectors(), EMBEDDER.encode_passages([c.text for c in CLAUSES]), atol=1e-6)
    assert data.sentence_vectors.shape == (1, 16) and data.sentences_of == {0: [0]}
    assert data.by_doc == {"d-1": [0, 1]} and list(data.passage_clause) == [0, 1]
    assert data.version == "v1" and data.path == index_dir.resolve()
    assert data.analyzer.vocabulary == frozenset({"gammal", "lagen"})


def test_the_index_is_a_link_to_its_build(index_dir: Path) -> None:
    assert index_dir.is_symlink(), "the server reads through a link that a new build replaces at once"
    target = index_dir.resolve()
    assert target.parent == store.builds_dir(index_dir).resolve()
    assert not os.path.isabs(os.readlink(index_dir)), "a relative link survives moving the var directory"
    assert sorted(p.name for p in target.iterdir()) == [
        "bank.npy", "bm25", "clauses.sqlite", "dense.faiss", "manifest.json", "outside.npy", "sentences.npy",
        "vocab.json"]


def test_swap_in_replaces_the_link_and_keeps_two_older_builds(index_dir: Path) -> None:
    first = index_dir.resolve()
    builds = [first]
    for n in range(2, 6):
        build = store.new_build_dir(index_dir)
        store.write_index(build, _content(f"v{n}"))
        store.swap_in(index_dir, build)
        builds.append(build.resolve())
        assert store.IndexData(index_dir).version == f"v{n}", "readers see the new build right after the swap"
    kept = sorted(p.resolve() for p in store.builds_dir(index_dir).iterdir())
    assert kept == builds[-3:], "the current build and two older ones stay; older builds are removed"
    assert not list(index_dir.parent.glob(".index.link-*")), "no temporary link is left behind"


def test_a_plain_index_directory_is_moved_aside_not_deleted(tmp_path: Path) -> None:
    index = tmp_path / "index"
    store.write_index(index, _content("plain"))  # an index written straight into the directory
    build = store.new_build_dir(index)
    store.write_index(build, _content("new"))
    store.check_index_dir(index)  # an index may be replaced
    store.swap_in(index, build)
    assert index.is_symlink() and store.IndexData(index).version == "new"
    legacy = [p for p in store.builds_dir(index).iterdir() if p.name.startswith("legacy-")]
    assert len(legacy) == 1 and store.read_manifest(legacy[0])["index_version"] == "plain", "kept, not deleted"


def test_a_directory_that_is_no_index_is_never_moved(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "feedback.sqlite").write_bytes(b"precious")
    with pytest.raises(ConfigError, match="is not an index") as info:
        store.check_index_dir(data)
    assert "VAGVISARE_INDEX_DIR" in str(info.value), "says which setting to change"
    store.check_index_dir(tmp_path / "absent")  # nothing there yet: fine
    (tmp_path / "empty").mkdir()
    store.check_index_dir(tmp_path / "empty")  # an empty directory: fine
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError):
        store.check_index_dir(tmp_path / "file")


def test_a_build_directory_must_be_new(tmp_path: Path) -> None:
    (tmp_path / "build").mkdir()
    with pytest.raises(FileExistsError):
        store.write_index(tmp_path / "build", _content())


def test_no_index(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError) as info:
        store.IndexData(tmp_path / "index")
    assert str(info.value) == f"No index in {tmp_path / 'index'}. Run `vagvisare ingest` first.", (
        "says where it looked and the command that makes one")
    assert info.value.status_code == 503 and info.value.exit_code == 4


@pytest.mark.parametrize("damage",
                         ["dense.faiss", "sentences.npy", "outside.npy", "vocab.json", "clauses.sqlite", "bm25"])
def test_a_damaged_index_is_reported_with_the_fix(index_dir: Path, damage: str) -> None:
    target = index_dir.resolve() / damage
    if target.is_dir():
        for p in target.iterdir():
            p.unlink()
        target.rmdir()
    else:
        target.unlink()
    with pytest.raises(IndexMissingError) as info:
        store.IndexData(index_dir)
    assert "incomplete or damaged" in str(info.value) and "vagvisare ingest --rebuild" in str(info.value)


def test_a_damaged_manifest(index_dir: Path) -> None:
    (index_dir / "manifest.json").write_text("{ half", encoding="utf-8")
    with pytest.raises(IndexMissingError, match=r"is damaged .*vagvisare ingest --rebuild"):
        store.IndexData(index_dir)


def test_vectors_and_rows_must_agree(index_dir: Path) -> None:
    np.save(index_dir.resolve() / "sentences.npy", np.zeros((3, 16), np.float16))
    with pytest.raises(IndexMissingError, match="inconsistent"):
        store.IndexData(index_dir)


def test_an_index_of_another_format_is_refused(index_dir: Path) -> None:
    manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    (index_dir / "manifest.json").write_text(json.dumps({**manifest, "format_version": 99}), encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="has format 99"):
        store.IndexData(index_dir)


def test_check_model_refuses_another_model_with_the_command_that_fixes_it(index_dir: Path) -> None:
    data = store.IndexData(index_dir)
    data.check_model(EMBEDDER.fingerprint)  # the model that built it: fine
    with pytest.raises(IndexMismatchError) as info:
        data.check_model({"id": "multilingual-e5-small", "sha256": "abc", "converter_version": 1})
    message = str(info.value)
    assert "'hash:16'" in message and "'multilingual-e5-small'" in message, "names both models"
    assert "vagvisare ingest --rebuild" in message, "and the command that fixes it"


def test_check_model_refuses_another_segmenter(tmp_path: Path) -> None:
    index = tmp_path / "index"
    content = _content()
    content.manifest["segmenter_version"] = "2000-01-01.1"
    store.write_index(index, content)
    with pytest.raises(IndexMismatchError, match="segmented by version 2000-01-01.1.*vagvisare ingest --rebuild"):
        store.IndexData(index).check_model(EMBEDDER.fingerprint)


def test_two_builds_in_one_second_never_share_a_version(tmp_path: Path) -> None:
    index = tmp_path / "index"
    first = store.new_build_dir(index)
    first.mkdir()
    second = store.new_build_dir(index)
    assert second.name[:15] != first.name[:15], "the version is the build's second: the next build waits for a new one"
