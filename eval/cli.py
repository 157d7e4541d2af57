"""`vagvisare eval run | compare | calibrate | latency | from-feedback`: parse, call :mod:`eval`, print."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from assistant.cli import EXTRA_PARSERS, _table, command
from core.settings import Settings

MODES = ("hybrid", "dense", "bm25", "naive")  # eval.run.MODES, without importing the engine to parse
DEFAULT_JSON = Path("var/eval/report.json")
DEFAULT_HTML = Path("var/eval/report.html")
_SUMMARY = (("recall_at_1", "R@1", "rate"), ("recall_at_5", "R@5", "rate"), ("recall_at_10", "R@10", "rate"),
            ("mrr_at_10", "MRR@10", "rate"), ("ndcg_at_10", "nDCG@10", "rate"),
            ("citation_precision", "cit.P", "rate"), ("quote_fidelity", "quote", "rate"),
            ("abstention_precision", "abst.P", "rate"), ("abstention_recall", "abst.R", "rate"),
            ("abstention_accuracy", "abst.acc", "rate"), ("gap_recall_at_5", "gap sv-en", "gap"),
            ("latency_p50_ms", "p50 ms", "ms"), ("latency_p95_ms", "p95 ms", "ms"))


def _parser(sub: Any) -> None:
    p = sub.add_parser("eval", help="run eval suites, compare reports, calibrate abstention")
    esub = p.add_subparsers(dest="eval_command", required=True)

    r = esub.add_parser("run", help="answer every suite question in every mode; write JSON and HTML reports")
    r.add_argument("--suite", action="append", metavar="PATH",
                   help="a suite YAML file, or dev / heldout (repeatable; default: dev and heldout)")
    r.add_argument("--mode", action="append", choices=MODES,
                   help="hybrid, dense, bm25 or naive (repeatable; default: all four)")
    r.add_argument("--json", type=Path, default=DEFAULT_JSON, metavar="OUT", help=f"default {DEFAULT_JSON}")
    r.add_argument("--html", type=Path, default=DEFAULT_HTML, metavar="OUT", help=f"default {DEFAULT_HTML}")
    r.add_argument("--no-curves", action="store_true",
                   help="skip re-answering abstained questions for the risk–coverage curve (faster)")

    c = esub.add_parser("compare", help="what improved and regressed between two JSON reports")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    c.add_argument("--mode", action="append", choices=MODES, help="only this mode (repeatable)")
    c.add_argument("--suite", action="append", metavar="NAME", help="only this suite (repeatable)")
    c.add_argument("--fail-on-regression", action="store_true", help="exit 1 if any question regressed")

    k = esub.add_parser("calibrate", help="choose the abstention threshold on the dev suite; write "
                        "assistant/calibration.json")
    k.add_argument("--suite", action="append", metavar="PATH",
                   help="default: dev (the held-out suite is refused)")
    k.add_argument("--dry-run", action="store_true", help="print the result; write nothing")

    t = esub.add_parser("latency", help="time answer() stage by stage (embedding, search, composition)")
    t.add_argument("--suite", action="append", metavar="PATH",
                   help="a suite YAML file, or dev / heldout (repeatable; default: dev and heldout)")

    f = esub.add_parser("from-feedback",
                        help="draft suite entries from thumbs-down and wrong-citation feedback")
    f.add_argument("--out", type=Path, help="write the YAML here (default: print it)")


EXTRA_PARSERS.append(_parser)


def _fmt(value: Any, kind: str) -> str:
    from eval.report import fmt

    return fmt(value, kind)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from eval.report import write_html, write_json
    from eval.run import run_eval
    from eval.suites import DEFAULT_SUITES, load_suites

    suites = load_suites(args.suite or DEFAULT_SUITES)
    run = run_eval(settings, suites, args.mode or MODES, curves=not args.no_curves, progress=True)
    data = run.to_dict()
    write_json(data, args.json)
    write_html(data, args.html)
    for suite, per_mode in run.aggregates.items():
        first = next(iter(per_mode.values()))
        print(f"\nSuite {suite}: {first['questions']} questions ({first['answerable']} answerable)")
        rows = [[mode, *(_fmt(agg.get(key), kind) for key, _, kind in _SUMMARY)]
                for mode, agg in per_mode.items()]
        print(_table(rows, ["mode", *(head for _, head, _ in _SUMMARY)]))
    meta = run.meta
    print(f"\nIndex {meta['index']['version']}, commit {(meta['git']['commit'] or 'unknown')[:10]}"
          f"{' (dirty)' if meta['git']['dirty'] else ''}, threshold {meta['abstain_threshold']}, "
          f"{meta['seconds']} s.")
    print(f"Wrote {args.json} and {args.html}.")
    return 0


def _compare(args: argparse.Namespace, settings: Settings) -> int:
    from eval.compare import compare
    from eval.report import read_json

    result = compare(read_json(args.before), read_json(args.after), args.mode, args.suite)
    for note in result.notes:
        print(f"note: {note}")
    rows = [[d.suite, d.mode, d.metric, _fmt(d.before, "ms" if d.metric.endswith("_ms") else "rate"),
             _fmt(d.after, "ms" if d.metric.endswith("_ms") else "rate"),
             _fmt(d.change, "gap") if d.change is not None else "n/a"] for d in result.deltas]
    if rows:
        print(_table(rows, ["suite", "mode", "metric", "before", "after", "change"]))
    for title, changes in (("Regressed", result.regressed), ("Improved", result.improved)):
        print(f"\n{title} ({len(changes)}):")
        for ch in changes:
            question = ch.question if len(ch.question) <= 70 else ch.question[:69] + "…"
            print(f"  {ch.suite}/{ch.mode}/{ch.id}  {question}\n      " + "; ".join(ch.what))
    print(f"\nUnchanged: {result.unchanged}.")
    if result.only_before or result.only_after:
        print(f"Only in {args.before}: {len(result.only_before)}; "
              f"only in {args.after}: {len(result.only_after)}.")
    return 1 if args.fail_on_regression and result.regressed else 0


def _calibrate(args: argparse.Namespace, settings: Settings) -> int:
    from eval.calibrate import CALIBRATION_FILE, calibrate
    from eval.suites import load_suites

    suites = load_suites(args.suite or ["dev"])
    result = calibrate(settings, suites, out=None if args.dry_run else CALIBRATION_FILE)
    print(f"Threshold {result['abstain_threshold']} on {result['questions']} questions "
          f"({result['unanswerable']} unanswerable): accuracy {_fmt(result['accuracy'], 'rate')}, "
          f"precision {_fmt(result['precision'], 'rate')}, recall {_fmt(result['recall'], 'rate')}, "
          f"over-abstention {_fmt(result['over_abstention'], 'rate')}.")
    print("Nothing written (dry run)." if args.dry_run else f"Wrote {CALIBRATION_FILE}.")
    return 0


def _latency(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.engine import Assistant
    from eval.latency import measure_latency
    from eval.suites import DEFAULT_SUITES, load_suites

    bot = Assistant.load(settings)
    count, stages = measure_latency(bot, load_suites(args.suite or DEFAULT_SUITES))
    print(_table([[s.name, f"{s.median:.1f}", f"{s.p95:.1f}"] for s in stages], ["stage", "median ms", "p95 ms"]))
    print(f"\n{count} questions, each answered once after a warm-up; index {bot.index_version}.")
    return 0


def _from_feedback(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.feedback import Store
    from eval.feedback import drafts_from_feedback, to_yaml
    from eval.suites import SUITES_DIR, load_suites

    known = [c.question for s in load_suites(sorted(SUITES_DIR.glob("*.yaml"))) for c in s.cases]
    drafts = drafts_from_feedback(Store(settings.data_dir).feedback(), known)
    text = to_yaml(drafts)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"Wrote {len(drafts)} draft(s) to {args.out}; review them before adding them to a suite.",
              file=sys.stderr)
    else:
        print(text)
    return 0


_SUBCOMMANDS = {"run": _run, "compare": _compare, "calibrate": _calibrate, "latency": _latency,
                "from-feedback": _from_feedback}


@command("eval")
def _eval(args: argparse.Namespace, settings: Settings) -> int:
    return _SUBCOMMANDS[args.eval_command](args, settings)
