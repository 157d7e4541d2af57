"""The `vagvisare` command: ingest, sources and settings through `vagvisare.cli.main`, settings from the environment.

The whole default manifest is indexed once with the fast hash embedder into a temporary directory.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import store
from core.sources import load_sources
from vagvisare.cli import main

ROOT = Path(__file__).resolve().parents[2]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
MANIFEST = ROOT / "corpus" / "sources.toml"
DOC_IDS = [s.doc_id for s in load_sources(MANIFEST)]


def _environment(base: Path, **extra: str) -> dict[str, str]:
    env = {
        "VAGVISARE_CORPUS_DIR": str(CORPUS), "VAGVISARE_MANIFEST": str(MANIFEST),
        "VAGVISARE_INDEX_DIR": str(base / "index"), "VAGVISARE_DATA_DIR": str(base / "data"),
        "VAGVISARE_MODEL_CACHE_DIR": str(base / "models"), "VAGVISARE_EMBEDDING_MODEL": "hash:64",
        "VAGVISARE_AS_OF": "2026-11-28", "VAGVISARE_LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


def _run(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], *argv: str) -> tuple[int, str, str]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], str]]:
    """The default corpus indexed by `vagvisare ingest --quiet` (hash embedder): environment and output."""
    env = _environment(tmp_path_factory.mktemp("cli"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        code, out, err = _run(monkeypatch, env, "ingest", "--quiet")
    assert code == 0, f"ingest of the default corpus must succeed: {err}"
    yield env, out


def test_ingest_prints_every_document_and_a_summary(indexed: tuple[dict[str, str], str]) -> None:
    env, out = indexed
    lines = out.splitlines()
    assert lines[0].split() == ["document", "clauses", "status"], "a table with a header"
    for doc_id in DOC_IDS:
        assert any(line.startswith(doc_id + " ") for line in lines), f"{doc_id} has a row"
    ssl = next(line for line in lines if line.startswith("sfs-2018-585 "))
    assert ssl.split()[1:] == ["97", "expired", "1,", "in_force", "88,", "repealed", "8"], "clauses per status"
    assert "note: sfs-2025-1507: left out text before the first provision" in out, "the left-out preamble is noted"
    assert "Indexed 24 documents, " in out and "embedded" in out
    index = Path(env["VAGVISARE_INDEX_DIR"])
    assert f"Index {store.read_manifest(index)['index_version']} in {index}" in out


def test_sources_json_lists_the_24_documents_with_counts(indexed: tuple[dict[str, str], str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    env, _ = indexed
    code, out, err = _run(monkeypatch, env, "sources", "--json")
    assert code == 0 and not err
    listing = json.loads(out)
    assert [row["doc_id"] for row in listing] == DOC_IDS, "every source, in manifest order"
    by_id = {row["doc_id"]: row for row in listing}
    ssl = by_id["sfs-2018-585"]
    assert (ssl["kind"], ssl["binding"], ssl["as_of"], ssl["short"]) == ("statute", "law", "t.o.m. SFS 2025:1472",
                                                                         "SSL")
    assert ssl["indexed"] is True and ssl["clauses"] == 97
    assert ssl["statuses"] == {"in_force": 88, "repealed": 8, "expired": 1}
    decision = by_id["regeringsbeslut-2025-05-22"]
    assert (decision["kind"], decision["binding"], decision["as_of"]) == ("decision", "guidance", "2025-05-22")
    for row in listing:
        assert row["kind"] and row["binding"] and row["as_of"], f"{row['doc_id']}: kind, binding and as_of shown"
        assert row["clauses"] and row["clauses"] == sum(row["statuses"].values()), f"{row['doc_id']}: counts"


def test_sources_table(indexed: tuple[dict[str, str], str], monkeypatch: pytest.MonkeyPatch) -> None:
    env, _ = indexed
    code, out, _ = _run(monkeypatch, env, "sources")
    assert code == 0
    assert out.splitlines()[0].split() == ["document", "kind", "binding", "as", "of", "clauses", "status"]
    assert len(out.splitlines()) == 2 + 24, "header, rule and one row per source"


def test_sources_without_an_index_lists_the_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = _run(monkeypatch, _environment(tmp_path), "sources", "--json")
    assert code == 0, err
    listing = json.loads(out)
    assert len(listing) == 24 and all(not row["indexed"] and row["clauses"] is None for row in listing)


def test_ingest_check_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = _run(monkeypatch, _environment(tmp_path), "ingest", "--check")
    assert code == 0, err
    for doc_id in DOC_IDS:
        assert f"\n{doc_id} " in out, f"{doc_id} is listed"
    assert "Checked 24 documents," in out and "Nothing was written." in out
    assert not (tmp_path / "index").exists(), "--check writes no index"


def test_a_manifest_typo_exits_2_with_one_line_and_no_traceback(indexed: tuple[dict[str, str], str],
                                                                 tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    env, _ = indexed
    index = Path(env["VAGVISARE_INDEX_DIR"])
    before = (index.resolve(), store.read_manifest(index)["index_version"])
    manifest = tmp_path / "sources.toml"
    text = MANIFEST.read_text(encoding="utf-8").replace('kind = "statute"', 'kind = "lag"', 1)
    manifest.write_text(text, encoding="utf-8")
    line = text.splitlines().index('kind = "lag"') + 1
    code, out, err = _run(monkeypatch, {**env, "VAGVISARE_MANIFEST": str(manifest)}, "ingest", "--quiet")
    assert code == 2, "a configuration error exits with 2"
    assert err.count("\n") == 1 and err.startswith("vagvisare: "), f"one line on stderr: {err!r}"
    assert f"{manifest} line {line}: unknown kind 'lag'. Use one of statute, ordinance" in err, err
    assert "Traceback" not in err and not out
    assert (index.resolve(), store.read_manifest(index)["index_version"]) == before, "the index is untouched"


def test_a_missing_corpus_file_exits_3_and_keeps_the_index(indexed: tuple[dict[str, str], str], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    env, _ = indexed
    index = Path(env["VAGVISARE_INDEX_DIR"])
    before = (index.resolve(), sorted(p.name for p in store.builds_dir(index).iterdir()))
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "sfs-json" / "sfs-2024-664.json").unlink()
    code, out, err = _run(monkeypatch, {**env, "VAGVISARE_CORPUS_DIR": str(corpus)}, "ingest", "--quiet")
    assert code == 3, "an unreadable source exits with 3"
    assert err.startswith("vagvisare: sfs-2024-664: ") and "sfs-2024-664.json does not exist" in err, err
    assert "Traceback" not in err and err.count("\n") == 1
    assert (index.resolve(), sorted(p.name for p in store.builds_dir(index).iterdir())) == before, (
        "the previous index keeps serving and no build is left behind")


def test_an_unknown_setting_in_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = _environment(tmp_path, VAGVISARE_INDEXDIR="x")
    code, out, err = _run(monkeypatch, env, "sources")
    assert code == 2 and "Unknown environment variable VAGVISARE_INDEXDIR." in err and not out


def test_settings_shows_every_setting_with_its_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = _run(monkeypatch, _environment(tmp_path), "settings")
    assert code == 0
    assert out.splitlines()[0].split() == ["variable", "value", "description"]
    row = next(line for line in out.splitlines() if line.startswith("VAGVISARE_EMBEDDING_MODEL "))
    assert " hash:64 " in row, "the value the environment set is shown"
    for name in ("VAGVISARE_CORPUS_DIR", "VAGVISARE_MANIFEST", "VAGVISARE_INDEX_DIR", "VAGVISARE_DATA_DIR",
                 "VAGVISARE_ADMIN_TOKEN", "VAGVISARE_RATE_LIMIT"):
        assert f"\n{name} " in out, f"{name} is listed"


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["ingest", "--no-such-option"])
    assert info.value.code == 2 and "unrecognized arguments" in capsys.readouterr().err
