"""A tiny suite over the small (hash-embedded, four-document) index, and one run of it shared by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings

TINY_SUITE = """\
- id: t-01
  question: "Vad menas med säkerhetskänslig verksamhet?"
  lang: sv
  relevant: ["sfs-2018-585#1:1"]
  answerable: true
- id: t-02
  question: "Vad säger 2 kap. 1 § säkerhetsskyddslagen?"
  lang: sv
  relevant: ["sfs-2018-585#2:1"]
  answerable: true
  note: "explicit reference"
- id: t-03
  question: "Is a university that runs security-sensitive research required to have a head of security?"
  lang: en
  relevant: ["sfs-2018-585#2:7"]
  answerable: true
- id: t-04
  question: "Vilket uppdrag gav regeringen om riktlinjer för ansvarsfull internationalisering?"
  lang: sv
  relevant: ["regeringsbeslut-2025-05-22"]
  answerable: true
- id: t-05
  question: "What is the capital of Australia?"
  lang: en
  relevant: []
  answerable: false
"""


@pytest.fixture(scope="session")
def tiny_suite_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("suites") / "tiny.yaml"
    path.write_text(TINY_SUITE, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_run(small_settings: Settings, small_assistant, tiny_suite_path: Path,  # type: ignore[no-untyped-def]
             tmp_path_factory: pytest.TempPathFactory):
    from eval.run import run_eval
    from eval.suites import load_suite

    cache = tmp_path_factory.mktemp("eval-cache")
    return run_eval(small_settings, [load_suite(tiny_suite_path)], assistant=small_assistant, cache_dir=cache)
