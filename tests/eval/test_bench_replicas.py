"""`vagvisare bench --replicas 2`: one server against two replicas on a shared PostgreSQL, over the small
hash-embedded index (the real run uses the bundled model; docs/benchmark.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.settings import Settings
from eval.bench import BenchOptions
from eval.bench_replicas import run_replicas


def test_two_replicas_answer_every_question_without_errors(small_settings: Settings, postgres, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    work = tmp_path / "bench"
    work.mkdir()
    shutil.copytree(small_settings.index_dir.resolve(), work / "index")
    options = BenchOptions(levels=[4], duration=1.0, max_requests=40, work_dir=work, out=tmp_path / "out")
    assert run_replicas(small_settings, options, 2, postgres.new_database()) == 0
    results = json.loads((tmp_path / "out" / "benchmark-replicas.json").read_text(encoding="utf-8"))
    assert [r["setup"] for r in results["runs"]] == ["1 server, SQLite", "2 replicas, PostgreSQL"]
    for run in results["runs"]:
        for phase in ("cold", "cycling"):
            assert run[phase]["ok"] > 0 and run[phase]["errors"] == 0, (run["setup"], phase, run[phase])
    assert results["runs"][1]["replicas"] == 2 and len(results["runs"][1]["cold_start_s"]) == 2
    assert "| 2 replicas, PostgreSQL | 4 | cycling |" in capsys.readouterr().out
