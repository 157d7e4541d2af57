"""Reports of an eval run: JSON (everything, for `eval compare`) and one self-contained HTML file.

The HTML has inline CSS and inline SVG plots (recall@k per mode, the risk–coverage
curve of the abstention threshold), no JavaScript and no external assets, so it can be
opened from disk or attached to a CI run. Both are rendered from the JSON form of a
run, so an old JSON report can be rendered again.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from eval import metrics as m
from eval.plots import Marker, Series, line_chart

TEMPLATES = Path(__file__).parent / "templates"
MODE_ORDER = ("hybrid", "dense", "bm25", "naive")

# (key, column heading, kind): kind "rate" is shown as 0.000, "ms" as a whole number, "gap" signed
COLUMNS = (
    ("recall_at_1", "R@1", "rate"), ("recall_at_3", "R@3", "rate"), ("recall_at_5", "R@5", "rate"),
    ("recall_at_10", "R@10", "rate"), ("mrr_at_10", "MRR@10", "rate"), ("ndcg_at_10", "nDCG@10", "rate"),
    ("citation_precision", "cit. prec.", "rate"), ("quote_fidelity", "quote fid.", "rate"),
    ("abstention_precision", "abst. P", "rate"), ("abstention_recall", "abst. R", "rate"),
    ("over_abstention", "over-abst.", "rate"), ("abstention_accuracy", "abst. acc.", "rate"),
    ("gap_recall_at_5", "gap R@5 sv−en", "gap"), ("latency_p50_ms", "p50 ms", "ms"),
    ("latency_p95_ms", "p95 ms", "ms"),
)


def fmt(value: Any, kind: str = "rate") -> str:
    if value is None:
        return "n/a"
    if kind == "ms":
        return f"{value:.0f}"
    if kind == "gap":
        return f"{value:+.3f}"
    return f"{value:.3f}"


def write_json(data: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path) -> dict[str, Any]:
    from eval.suites import SuiteError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SuiteError(f"No eval report at {path}.",
                         hint="Write one with `vagvisare eval run --json PATH`.") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise SuiteError(f"{path} is not a readable eval report ({exc}).") from None
    if not isinstance(data, dict) or not {"meta", "aggregates", "questions"} <= data.keys():
        raise SuiteError(f"{path} is not an eval report (it lacks meta, aggregates or questions).",
                         hint="Use the JSON written by `vagvisare eval run --json`.")
    return data


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["fmt"] = fmt
    return env


def _modes(data: dict[str, Any]) -> list[str]:
    present = data["meta"].get("modes", [])
    return [x for x in MODE_ORDER if x in present] + [x for x in present if x not in MODE_ORDER]


def _recall_plot(suite: str, aggregates: dict[str, dict[str, Any]], modes: list[str]) -> str:
    series = [Series(mode, [(float(k), aggregates[mode][f"recall_at_{k}"] or 0.0) for k in m.KS])
              for mode in modes if mode in aggregates]
    return line_chart(series, title=f"Recall@k — {suite}", x_label="k", y_label="recall",
                      x_range=(1.0, 10.0), x_ticks=m.KS)


def _risk_plot(suite: str, curves: dict[str, list[dict[str, Any]]],
               aggregates: dict[str, dict[str, Any]]) -> str:
    series = [Series(mode, [(p["coverage"], p["risk"]) for p in points], dots=False)
              for mode, points in curves.items() if points]
    markers = []
    hybrid = aggregates.get("hybrid")
    if hybrid and hybrid.get("coverage") is not None and hybrid.get("risk") is not None:
        markers.append(Marker(f"hybrid at threshold {hybrid.get('abstain_threshold')}", hybrid["coverage"],
                              hybrid["risk"]))
    return line_chart(series, title=f"Risk–coverage — {suite}", x_label="coverage (share answered)",
                      y_label="risk (answered wrongly)", markers=markers)


def _question_rows(data: dict[str, Any], suite: str, modes: list[str]) -> list[dict[str, Any]]:
    by_key: dict[str, dict[str, dict[str, Any]]] = {}
    for q in data["questions"]:
        if q["suite"] == suite:
            by_key.setdefault(q["id"], {})[q["mode"]] = q
    main = "hybrid" if "hybrid" in modes else modes[0]
    rows = []
    for qid, per_mode in by_key.items():
        q = per_mode.get(main) or next(iter(per_mode.values()))
        positions = q["ranked_clauses"] if q.get("ranked_clauses") is not None else q["ranked"]
        top = [{"id": ref, "hit": bool(m.position_matches(pos, q["relevant"]))}
               for ref, pos in zip(q["ranked"][:5], positions[:5], strict=True)]
        cited = [{"id": c, "hit": bool(m.position_matches(c, q["relevant"]))} for c in q.get("cited", [])]
        ranks = {mode: (per_mode[mode]["scores"].get("first_rank") if mode in per_mode else None)
                 for mode in modes}
        abst = q.get("abstained")
        rows.append({
            "id": qid, "question": q["question"], "lang": q["lang"], "relevant": q["relevant"],
            "answerable": q["answerable"], "top": top, "cited": cited, "abstained": abst,
            "abstention_ok": None if abst is None else abst == (not q["answerable"]),
            "ms": q.get("ms"), "evidence": q.get("evidence"), "ranks": ranks, "error": q.get("error", ""),
            "quote_failures": q.get("quote_failures", []), "mode": main,
        })
    return rows


def render_html(data: dict[str, Any]) -> str:
    """The HTML report of a run (its JSON form)."""
    modes = _modes(data)
    suites = []
    for suite, aggregates in data["aggregates"].items():
        curves = data.get("curves", {}).get(suite, {})
        suites.append({
            "name": suite,
            "aggregates": aggregates,
            "modes": [x for x in modes if x in aggregates],
            "recall_plot": _recall_plot(suite, aggregates, modes),
            "risk_plot": _risk_plot(suite, curves, aggregates) if curves else "",
            "questions": _question_rows(data, suite, modes),
        })
    return _environment().get_template("report.html.j2").render(
        meta=data["meta"], suites=suites, columns=COLUMNS, modes=modes)


def write_html(data: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(render_html(data), encoding="utf-8")
    os.replace(tmp, path)
