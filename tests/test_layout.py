"""The repository's shape: modules small enough to read in one sitting."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "assistant", "ingest", "web", "eval", "vagvisare")
MAX_LINES = 500
EXEMPT: set[str] = set()  # a module allowed to be longer, with the reason beside it


def test_no_module_is_longer_than_500_lines() -> None:
    too_long = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES and name not in EXEMPT:
                too_long.append(f"{name} ({lines} lines)")
    assert not too_long, f"split these along their seams (at most {MAX_LINES} lines a module): {', '.join(too_long)}"


def test_the_exemptions_are_still_needed() -> None:
    for name in EXEMPT:
        path = ROOT / name
        assert path.is_file() and len(path.read_text(encoding="utf-8").splitlines()) > MAX_LINES, \
            f"{name} is gone or short now: remove it from EXEMPT"
