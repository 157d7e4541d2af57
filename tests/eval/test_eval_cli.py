"""`vagvisare eval ...` end to end over the small index (the shell only parses, calls and prints)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.settings import Settings
from eval import commands as eval_commands
from eval import run as eval_run
from vagvisare.cli import main


@pytest.fixture()
def env(small_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("corpus_dir", "manifest", "index_dir", "model_cache_dir", "embedding_model", "as_of"):
        monkeypatch.setenv(f"VAGVISARE_{name.upper()}", str(getattr(small_settings, name)))
    monkeypatch.setenv("VAGVISARE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)  # var/eval (the naive cache) lands in the temporary directory
    return tmp_path


def test_modes_agree() -> None:
    assert eval_commands.MODES == eval_run.MODES


def test_run_writes_both_reports(env: Path, tiny_suite_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    out_json, out_html = env / "r.json", env / "r.html"
    code = main(["eval", "run", "--suite", str(tiny_suite_path), "--mode", "bm25", "--mode", "naive",
                 "--json", str(out_json), "--html", str(out_html)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "Suite tiny: 5 questions (4 answerable)" in printed and "naive" in printed
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["meta"]["modes"] == ["bm25", "naive"]
    assert out_html.read_text(encoding="utf-8").startswith("<!doctype html>")

    code = main(["eval", "compare", str(out_json), str(out_json), "--fail-on-regression"])
    assert code == 0, "a report compared with itself has no regressions"
    assert "Regressed (0)" in capsys.readouterr().out


def test_bad_suite_is_a_clear_error(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = env / "bad.yaml"
    bad.write_text("- id: x\n  question: q\n", encoding="utf-8")
    assert main(["eval", "run", "--suite", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "line 1, entry 1 (x): missing 'lang'" in err


def test_compare_of_a_missing_report(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "compare", "a.json", "b.json"]) == 2
    assert "No eval report at a.json" in capsys.readouterr().err


def test_from_feedback_prints_drafts(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.feedback import Store

    Store(env / "data").add_feedback(question="Hur ofta ska analysen uppdateras?", answer_text="…",
                                     citations=[{"clause_id": "sfs-2018-585#2:1"}], index_version="v",
                                     rating="down")
    assert main(["eval", "from-feedback"]) == 0
    assert 'question: "Hur ofta ska analysen uppdateras?"' in capsys.readouterr().out


def test_calibrate_dry_run_writes_nothing(env: Path, tiny_suite_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from eval.calibrate import CALIBRATION_FILE

    before = CALIBRATION_FILE.read_bytes() if CALIBRATION_FILE.exists() else None
    assert main(["eval", "calibrate", "--suite", str(tiny_suite_path), "--dry-run"]) == 0
    assert "Nothing written (dry run)." in capsys.readouterr().out
    after = CALIBRATION_FILE.read_bytes() if CALIBRATION_FILE.exists() else None
    assert before == after, "a dry run must not touch assistant/calibration.json"


def test_latency_prints_every_stage(env: Path, tiny_suite_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "latency", "--suite", str(tiny_suite_path)]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.endswith(tuple("0123456789"))
            and line.split()[0].endswith("_ms")}
    assert set(rows) == {"embed_ms", "search_ms", "compose_ms", "total_ms"}, out
    median = {k: float(v[0]) for k, v in rows.items()}
    assert median["total_ms"] >= median["search_ms"] and median["total_ms"] > 0
    assert "5 questions, each answered once" in out
