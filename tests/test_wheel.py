"""The installable package: the wheel holds every data file, and the installed command answers from anywhere.

The wheel is built from a copy of the working tree (without build isolation: nothing is
downloaded), installed with ``--no-deps`` into a fresh virtual environment that finds the
dependencies through a .pth file naming the project's own site-packages, and run from a
directory outside the repository with the index, corpus and model cache given by settings.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings

pytestmark = [pytest.mark.model, pytest.mark.wheel]

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "assistant", "ingest", "web", "eval", "vagvisare")
DATA_FILES = (
    "assistant/calibration.json", "assistant/data/glossary.yaml", "assistant/data/qtype.yaml",
    "assistant/data/abstain.yaml", "assistant/data/phrases.yaml", "assistant/data/followup.yaml",
    "assistant/data/leads.yaml", "eval/dialogues/blind.yaml", "web/templates/admin_feedback.html",
    "assistant/templates/answer.html.j2",
    "web/data/messages.yaml", "web/templates/base.html", "web/templates/_answer.html", "web/static/app.css",
    "web/static/app.js", "web/static/vendor/htmx.min.js", "eval/suites/dev.yaml", "eval/suites/heldout.yaml",
    "eval/thresholds.toml", "eval/templates/report.html.j2",
)


def _run(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=600, **kwargs)  # type: ignore[call-overload, no-any-return]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the working tree (so no build/ or egg-info lands in the repository)."""
    if not (ROOT / "web/static/vendor/htmx.min.js").is_file():
        pytest.fail("web/static/vendor/htmx.min.js is missing: run `make setup` (it installs htmx from npm).")
    source = tmp_path_factory.mktemp("source")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, source / package, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    done = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                 "--quiet", "--wheel-dir", str(out), str(source)])
    assert done.returncode == 0, f"the wheel must build without downloads:\n{done.stdout}\n{done.stderr}"
    wheels = list(out.glob("vagvisare-*.whl"))
    assert len(wheels) == 1, f"one wheel expected, found {wheels}"
    return wheels[0]


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh virtual environment with the wheel installed (--no-deps); its bin directory."""
    venv = tmp_path_factory.mktemp("venv")
    done = _run([sys.executable, "-m", "venv", str(venv)])
    assert done.returncode == 0, done.stderr
    python = venv / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
                .stdout.strip())
    # the project's dependencies, from the environment running these tests; nothing is downloaded
    (site / "vagvisare-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    done = _run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)])
    assert done.returncode == 0, f"the wheel must install:\n{done.stdout}\n{done.stderr}"
    yield venv / "bin"


def test_the_wheel_holds_every_package_and_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [f for f in DATA_FILES if f not in names]
    assert not missing, f"data files missing from the wheel (package-data in pyproject.toml): {missing}"
    for package in PACKAGES:
        assert f"{package}/__init__.py" in names, f"package {package} is missing from the wheel"
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "vagvisare = vagvisare.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def _environment(settings: Settings, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VAGVISARE_", "PYTHON"))}
    env.update({
        "VAGVISARE_INDEX_DIR": str(settings.index_dir.resolve()),
        "VAGVISARE_CORPUS_DIR": str(settings.corpus_dir.resolve()),
        "VAGVISARE_MANIFEST": str(settings.manifest.resolve()),
        "VAGVISARE_MODEL_CACHE_DIR": str(settings.model_cache_dir.resolve()),
        "VAGVISARE_DATA_DIR": str(data_dir),
        "VAGVISARE_AS_OF": settings.as_of,
        "VAGVISARE_LOG_LEVEL": "WARNING",
    })
    return env


def test_the_installed_command_answers_from_outside_the_repository_with_calibrated_abstention(
        installed: Path, real_settings: Settings, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = _environment(real_settings, tmp_path / "data")

    where = _run([str(installed / "python"), "-c", "import core, assistant, ingest, web, eval, vagvisare; "
                  "print('\\n'.join(m.__file__ for m in (core, assistant, ingest, web, eval, vagvisare)))"],
                 cwd=elsewhere, env=env)
    assert where.returncode == 0, where.stderr
    assert all(str(installed.parent) in line for line in where.stdout.split()), \
        f"the packages must come from the installed wheel, not the repository:\n{where.stdout}"

    done = _run([str(installed / "vagvisare"), "ask", "Vem ska säkerhetsprövas enligt säkerhetsskyddslagen?",
                 "--json"], cwd=elsewhere, env=env)
    assert done.returncode == 0, f"vagvisare ask failed:\n{done.stderr}"
    answer = json.loads(done.stdout)
    assert not answer["abstained"] and answer["citations"], "an answerable question is answered, with citations"
    assert "sfs-2018-585#3:1" in [c["clause_id"] for c in answer["citations"]], "3 kap. 1 § says who is vetted"
    assert "not calibrated" not in done.stderr, f"assistant/calibration.json must ship in the wheel:\n{done.stderr}"
    assert 0.0 < answer["evidence"] < 1.0, "a calibrated model gives a probability (1.0 means no calibration)"

    off = _run([str(installed / "vagvisare"), "ask", "What is the capital of Australia?", "--json"],
               cwd=elsewhere, env=env)
    assert off.returncode == 0, off.stderr
    assert json.loads(off.stdout)["abstained"], "calibrated abstention: an out-of-scope question is refused"


def test_the_installed_app_serves_its_templates_and_static_files(installed: Path, real_settings: Settings,
                                                                 tmp_path: Path) -> None:
    script = ("from fastapi.testclient import TestClient; from core.settings import load_settings; "
              "from web.app import create_app; c = TestClient(create_app(load_settings())); "
              "r = c.get('/static/vendor/htmx.min.js'); h = c.get('/healthz'); "
              "print(r.status_code, len(r.content), h.status_code)")
    done = _run([str(installed / "python"), "-c", script], cwd=tmp_path, env=_environment(real_settings, tmp_path))
    assert done.returncode == 0, done.stderr
    status, size, health = done.stdout.split()
    assert status == "200" and int(size) > 1000, "htmx is served from the installed package"
    assert health == "503", "without the lifespan no index is loaded, and /healthz says so (rendered, no crash)"
