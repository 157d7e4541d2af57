"""The one settings object: defaults, environment, TOML file, overrides; unknown keys are errors."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from pathlib import Path

import pytest

from core.errors import ConfigError
from core.settings import BUNDLED_MODEL, PREFIX, Settings, load_settings


def test_defaults_are_those_of_the_design() -> None:
    s = load_settings(environ={})
    assert s.corpus_dir == Path("../shared/corpus") and s.manifest == Path("corpus/sources.toml")
    assert s.index_dir == Path("var/index") and s.data_dir == Path("var/data")
    assert s.embedding_model == BUNDLED_MODEL, "the bundled multilingual-e5-small by default"
    assert s.embedding_runtime == "onnx", "on ONNX Runtime fp32: torch's vectors, faster (docs/benchmark.md)"
    assert s.rate_limit == 120 and s.admin_token == "" and s.dev_mode is False


def test_every_setting_has_a_default_and_a_description() -> None:
    described = Settings.describe()
    assert [name for name, _, _ in described] == [PREFIX + f.name.upper() for f in fields(Settings)]
    for name, _default, help_ in described:
        assert help_.strip(), f"{name} needs a description (`vagvisare settings` shows it)"
    assert ("VAGVISARE_CORPUS_DIR", "../shared/corpus") in [(n, d) for n, d, _ in described]


def test_environment_variables_are_read_and_converted() -> None:
    s = load_settings(environ={
        "VAGVISARE_INDEX_DIR": "/srv/index", "VAGVISARE_RATE_LIMIT": "0", "VAGVISARE_DEV_MODE": "yes",
        "VAGVISARE_BM25_WEIGHT": "0.5", "VAGVISARE_AS_OF": "2026-03-01", "PATH": "/usr/bin", "OTHER_X": "1",
    })
    assert s.index_dir == Path("/srv/index") and isinstance(s.index_dir, Path)
    assert (s.rate_limit, s.dev_mode, s.bm25_weight) == (0, True, 0.5), "strings become int, bool and float"
    assert s.as_of_date() == dt.date(2026, 3, 1)


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("true", True), ("On", True), ("0", False),
                                            ("no", False), ("", False)])
def test_booleans(raw: str, value: bool) -> None:
    assert load_settings(environ={"VAGVISARE_DEV_MODE": raw}).dev_mode is value


def test_the_process_environment_is_read_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAGVISARE_RATE_LIMIT", "7")
    assert load_settings().rate_limit == 7, "load_settings() reads os.environ"
    assert load_settings(environ={}).rate_limit == 120, "an explicit environment replaces it"


def test_an_unknown_environment_variable_is_an_error() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(environ={"VAGVISARE_INDEXDIR": "x"})
    message = str(info.value)
    assert "Unknown environment variable VAGVISARE_INDEXDIR." in message, "a typo is not silently ignored"
    assert "VAGVISARE_INDEX_DIR" in message, "the known names are listed"


@pytest.mark.parametrize(("env", "expected"), [
    ({"VAGVISARE_RATE_LIMIT": "many"}, "VAGVISARE_RATE_LIMIT = 'many' is not a valid int"),
    ({"VAGVISARE_DEV_MODE": "maybe"}, "VAGVISARE_DEV_MODE = 'maybe' is not a valid bool"),
    ({"VAGVISARE_BM25_WEIGHT": "heavy"}, "is not a valid float"),
    ({"VAGVISARE_RATE_LIMIT": "-1"}, "RATE_LIMIT must be 0 (off) or a positive number"),
    ({"VAGVISARE_MAX_QUESTION_CHARS": "5"}, "MAX_QUESTION_CHARS must be at least 10"),
    ({"VAGVISARE_AS_OF": "28/11/2026"}, "VAGVISARE_AS_OF='28/11/2026' is not a date. Use YYYY-MM-DD."),
    ({"VAGVISARE_EMBEDDING_RUNTIME": "tensorrt"}, "'tensorrt' is not a runtime. Use one of torch, onnx, onnx-int8."),
    ({"VAGVISARE_EMBEDDING_THREADS": "0"}, "EMBEDDING_THREADS and VAGVISARE_RETRY_AFTER must be at least 1"),
])
def test_bad_values(env: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(environ=env)
    assert expected in str(info.value)
    assert info.value.exit_code == 2


def test_a_settings_file_and_the_environment_over_it(tmp_path: Path) -> None:
    config = tmp_path / "vagvisare.toml"
    config.write_text('index_dir = "/from/file"\nrate_limit = 30\ndev_mode = true\n', encoding="utf-8")
    s = load_settings(environ={"VAGVISARE_CONFIG": str(config), "VAGVISARE_RATE_LIMIT": "60"})
    assert s.index_dir == Path("/from/file") and s.dev_mode is True, "values from the file"
    assert s.rate_limit == 60, "the environment wins over the file"
    assert load_settings(environ={"VAGVISARE_CONFIG": str(config)}, rate_limit=5).rate_limit == 5, (
        "explicit arguments win over both")


@pytest.mark.parametrize(("content", "expected"), [
    ('index_dirr = "x"\n', "unknown setting 'index_dirr'"),
    ("rate_limit = [1]\n", "rate_limit = [1] is not a valid int"),
    ('index_dir = "x\n', "Fix the TOML syntax"),
])
def test_bad_settings_files(tmp_path: Path, content: str, expected: str) -> None:
    config = tmp_path / "vagvisare.toml"
    config.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(environ={"VAGVISARE_CONFIG": str(config)})
    assert expected in str(info.value) and str(config) in str(info.value), "names the file and the problem"


def test_a_missing_settings_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="VAGVISARE_CONFIG points at .* which does not exist"):
        load_settings(environ={"VAGVISARE_CONFIG": str(tmp_path / "none.toml")})


def test_overrides() -> None:
    s = load_settings(environ={"VAGVISARE_RATE_LIMIT": "9"}, index_dir="/tmp/i", rate_limit="3")
    assert s.index_dir == Path("/tmp/i") and s.rate_limit == 3, "arguments are converted and win"
    with pytest.raises(ConfigError, match="Unknown setting 'index'"):
        load_settings(environ={}, index="/tmp/i")


def test_settings_are_frozen_and_replace_makes_a_copy() -> None:
    s = load_settings(environ={})
    with pytest.raises(AttributeError):
        s.rate_limit = 1  # type: ignore[misc]
    t = s.replace(rate_limit=1)
    assert (s.rate_limit, t.rate_limit) == (120, 1)


def test_empty_as_of_means_today() -> None:
    assert load_settings(environ={}).as_of_date() == dt.date.today()
