"""The eval side's commands: `vagvisare eval run | compare | calibrate | latency | from-feedback` and
`vagvisare bench`. Each parses its arguments, calls one function of :mod:`eval` and prints the result."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from core.commands import Command, table
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




def _run_arguments(r: argparse.ArgumentParser) -> None:
    r.add_argument("--suite", action="append", metavar="PATH",
                   help="a suite YAML file, or dev / heldout (repeatable; default: dev and heldout)")
    r.add_argument("--mode", action="append", choices=MODES,
                   help="hybrid, dense, bm25 or naive (repeatable; default: all four)")
    r.add_argument("--json", type=Path, default=DEFAULT_JSON, metavar="OUT", help=f"default {DEFAULT_JSON}")
    r.add_argument("--html", type=Path, default=DEFAULT_HTML, metavar="OUT", help=f"default {DEFAULT_HTML}")
    r.add_argument("--no-curves", action="store_true",
                   help="skip re-answering abstained questions for the risk–coverage curve (faster)")


def _compare_arguments(c: argparse.ArgumentParser) -> None:
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    c.add_argument("--mode", action="append", choices=MODES, help="only this mode (repeatable)")
    c.add_argument("--suite", action="append", metavar="NAME", help="only this suite (repeatable)")
    c.add_argument("--fail-on-regression", action="store_true", help="exit 1 if any question regressed")


def _calibrate_arguments(k: argparse.ArgumentParser) -> None:
    k.add_argument("--suite", action="append", metavar="PATH",
                   help="default: dev, blind-train and blind-extra (sealed suites are refused)")
    k.add_argument("--dry-run", action="store_true", help="print the result; write nothing")


def _latency_arguments(t: argparse.ArgumentParser) -> None:
    t.add_argument("--suite", action="append", metavar="PATH",
                   help="a suite YAML file, or dev / heldout (repeatable; default: dev and heldout)")


def _dialogues_arguments(d: argparse.ArgumentParser) -> None:
    d.add_argument("--suite", type=Path, default=None, metavar="PATH",
                   help="a dialogue suite (default eval/dialogues/blind.yaml)")
    d.add_argument("--half", choices=("train", "test"), action="append",
                   help="only this half (repeatable; default both); the split is a fixed hash of the id")
    d.add_argument("--details", action="store_true",
                   help="also print each dialogue of the train half (the test half is shown only in aggregate)")
    d.add_argument("--json", type=Path, default=None, metavar="OUT",
                   help="write the aggregates and the train half's rows as JSON")


def _from_feedback_arguments(f: argparse.ArgumentParser) -> None:
    f.add_argument("--out", type=Path, help="write the YAML here (default: print it)")


def _bench_arguments(b: argparse.ArgumentParser) -> None:
    b.add_argument("--quick", action="store_true", help="a short smoke run (a few seconds per level)")
    b.add_argument("--levels", default=None, metavar="N,N,...",
                   help="concurrent clients per level (default 1,8,32,64; --quick: 1,8)")
    b.add_argument("--duration", type=float, default=None, metavar="S",
                   help="seconds per level (default 20; --quick: 4)")
    b.add_argument("--max-requests", type=int, default=None, metavar="N",
                   help="request cap per level (default 5000)")
    b.add_argument("--workers", default=None, metavar="N,N",
                   help="server worker counts to compare (default 1,2; --quick: 1)")
    b.add_argument("--skip-ingest", action="store_true",
                   help="reuse the benchmark index; do not time a full and an incremental ingest")
    b.add_argument("--no-options", action="store_true",
                   help="do not measure the configuration options (batching, embedding process, threads)")
    b.add_argument("--encoders", action="store_true",
                   help="only the encoder's options: torch, ONNX Runtime fp32 and int8, 1 and 2 threads, single "
                        "and batched (a section of benchmark.md, benchmark-encoders.json)")
    b.add_argument("--open-loop", action="store_true",
                   help="only open-loop load: new questions at fixed rates, latency from the scheduled send time "
                        "(a section of benchmark.md, benchmark-open-loop.json)")
    b.add_argument("--rates", default=None, metavar="N,N,...",
                   help="--open-loop: offered new questions per second (default 10,20,30,40,60,80)")
    b.add_argument("--out", type=Path, default=Path("docs"), help="where benchmark.json and benchmark.md go")
    b.add_argument("--work-dir", type=Path, default=Path("var/bench"),
                   help="the benchmark's own index and data (default var/bench)")
    b.add_argument("--replicas", type=int, default=0, metavar="N",
                   help="instead: one server on SQLite against N replicas sharing the database and the index "
                        "(default level 32 clients; writes <out>/benchmark-replicas.json)")
    b.add_argument("--database-url", default="", metavar="URL",
                   help="with --replicas: the PostgreSQL the replicas share (default VAGVISARE_DATABASE_URL, "
                        "else one SQLite file)")


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
        print(table(rows, ["mode", *(head for _, head, _ in _SUMMARY)]))
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
        print(table(rows, ["suite", "mode", "metric", "before", "after", "change"]))
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

    suites = load_suites(args.suite or ["dev", "blind-train", "blind-extra"])
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
    print(table([[s.name, f"{s.median:.1f}", f"{s.p95:.1f}"] for s in stages], ["stage", "median ms", "p95 ms"]))
    print(f"\n{count} questions, each answered once after a warm-up; index {bot.index_version}.")
    return 0


def _dialogues(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from assistant.engine import Assistant
    from eval.dialogues import DEFAULT_DIALOGUES, HALVES, K, load_dialogues, run_dialogues

    dialogues = load_dialogues(args.suite or DEFAULT_DIALOGUES)
    bot = Assistant.load(settings)
    run = run_dialogues(bot, dialogues, args.half or HALVES)
    aggregates = run.aggregates()
    names = list(aggregates)
    keys = list(next(iter(aggregates.values()))) if aggregates else []
    print(table([[key, *(_fmt(aggregates[h][key], "rate") if isinstance(aggregates[h][key], float)
                         else str(aggregates[h][key]) for h in names)] for key in keys], ["", *names]))
    print(f"\nrecall@{K} of the follow-up with its first question as history, and alone; index "
          f"{bot.index_version}.")
    if args.details:
        for r in run.rows:
            if r.half != "train":
                continue
            recall = "" if r.recall_with is None else f" R@{K} {r.recall_with:.2f} (alone {r.recall_without:.2f})"
            print(f"{r.id} {'follow-up' if r.followup else 'new topic'}"
                  f"{'' if r.answerable else ' (out of scope)'}{recall} abstained {r.abstained_with}/"
                  f"{r.abstained_without}\n    interpreted as: {r.interpreted_as}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(run.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"Wrote {args.json}.")
    return 0


def _from_feedback(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.feedback import Store
    from eval.feedback import drafts_from_feedback, to_yaml
    from eval.suites import SUITES_DIR, load_suite, load_suites, require_tunable

    if args.out and args.out.exists() and args.out.suffix in (".yaml", ".yml"):
        require_tunable([load_suite(args.out)], "write feedback drafts")  # drafts never enter a sealed suite
    known = [c.question for s in load_suites(sorted(SUITES_DIR.glob("*.yaml"))) for c in s.cases]
    drafts = drafts_from_feedback(Store(settings.data_dir, settings.database_url).feedback(), known)
    text = to_yaml(drafts)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"Wrote {len(drafts)} draft(s) to {args.out}; review them before adding them to a suite.",
              file=sys.stderr)
    else:
        print(text)
    return 0


def _tune_arguments(t: argparse.ArgumentParser) -> None:
    t.add_argument("param", nargs="+", metavar="NAME=V1,V2",
                   help="a retrieval setting and the values to try (dense_weight, bm25_weight, rrf_k, "
                        "sentence_weight, bank_offset, document_boost)")
    t.add_argument("--suite", action="append", metavar="PATH",
                   help="default: dev, blind-train and blind-extra (sealed suites are refused)")
    t.add_argument("--top", type=int, default=15, help="how many combinations to print (best first)")


def _tune(args: argparse.Namespace, settings: Settings) -> int:
    from eval.suites import load_suites
    from eval.tune import parse_grid, tune

    grid = parse_grid(args.param)
    suites = load_suites(args.suite or ["dev", "blind-train"])
    trials = tune(settings, suites, grid)
    names = list(grid)
    rows = [[*(str(t.values[n]) for n in names), *(f"{r:.3f} / {q:.3f}" for r, q in t.scores.values()),
             f"{t.objective:.3f}"] for t in trials[: args.top]]
    print(table(rows, [*names, *(f"{s.name} R@5 / MRR" for s in suites), "objective"]))
    print(f"\n{len(trials)} combinations; objective = mean over suites of recall@5 + MRR@10. "
          "Nothing was written: set the chosen values as settings.")
    return 0


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    if args.encoders:
        from eval.bench_encoder import write_encoder_bench

        return write_encoder_bench(settings, args.out)
    if args.open_loop:
        from eval.bench_open import OpenLoopOptions, write_open_loop

        return write_open_loop(settings, OpenLoopOptions.from_args(args))
    from eval.bench import BenchOptions, run_benchmark

    if args.replicas:
        from eval.bench_replicas import run_replicas

        options = BenchOptions.from_args(args)
        if args.levels is None:
            options.levels = [32]
        return run_replicas(settings, options, args.replicas, args.database_url or settings.database_url)
    return run_benchmark(settings, BenchOptions.from_args(args))


def _apart_arguments(a: argparse.ArgumentParser) -> None:
    a.add_argument("--drop", action="store_true", help="take the near-duplicates out of their bank files")


def _apart(args: argparse.Namespace, settings: Settings) -> int:
    from core.embed import load_embedder
    from eval.apart import NEAR, check_bank_apart, drop

    close = check_bank_apart(settings.bank_path(), load_embedder(settings))
    for c in close:
        print(f"{c.entry.file}:{c.entry.line} ({c.cosine:.3f}) {c.entry.question!r} ~ {c.shown_as}")
    if not close:
        print(f"No bank question is within cosine {NEAR} of an eval question (or has its words).")
        return 0
    if args.drop:
        print(f"Took {drop([c.entry for c in close])} question(s) out of the bank. Run `vagvisare ingest`.")
        return 0
    print(f"{len(close)} bank question(s) near-duplicate eval questions; `--drop` takes them out.")
    return 1


BENCH = Command(("bench",), "start a server on loopback, load it with concurrent clients, "
                            "write docs/benchmark.json and docs/benchmark.md", _bench_arguments, _bench)
EVAL = Command(("eval",), "run eval suites, compare reports, calibrate abstention")
EVAL_COMMANDS = (
    Command(("eval", "run"), "answer every suite question in every mode; write JSON and HTML reports",
            _run_arguments, _run),
    Command(("eval", "compare"), "what improved and regressed between two JSON reports", _compare_arguments,
            _compare),
    Command(("eval", "calibrate"), "fit the abstention model on the tunable suites; write "
                                   "assistant/calibration.json", _calibrate_arguments, _calibrate),
    Command(("eval", "latency"), "time answer() stage by stage (embedding, search, composition)",
            _latency_arguments, _latency),
    Command(("eval", "dialogues"), "follow-up questions: recall@5 with and without history on the dialogue suite",
            _dialogues_arguments, _dialogues),
    Command(("eval", "from-feedback"), "draft suite entries from thumbs-down and wrong-citation feedback",
            _from_feedback_arguments, _from_feedback),
    Command(("eval", "apart"), "bank questions that near-duplicate an eval question (--drop: take them out)",
            _apart_arguments, _apart),
    Command(("eval", "tune"), "try retrieval settings on the tunable suites (grid search; sealed suites refused)",
            _tune_arguments, _tune),
)
COMMANDS = (BENCH, EVAL, *EVAL_COMMANDS)
