"""What users wait for: `passeur translate` as they run it, beside CTranslate2 used directly.

    python bench/user_speed.py [--sentences 48] [--new-tokens 40] [--repeats 3] [--out bench/user_speed.json]

On a random model with opus-mt-fr-en's exact architecture (speed does not depend on weight
values; `--tiny` for a smoke test), whose generation config fixes min = max new tokens, so
that passeur and CTranslate2 generate exactly as many tokens per sentence. Each measure
runs in fresh processes, passeur's and the reference's in turn, `--repeats` times; the
medians are compared within this one run:

  cold       one sentence on stdin: `passeur translate --model M --no-tm` (glossary guard on)
             beside bench/ct2_reference.py one-shot (python start, CTranslate2 int8 load,
             sentencepiece, one beam-4 translation): wall seconds and peak RSS
  document   `passeur translate --stats --no-tm DOC` on a document of N sentences: engine
             tokens/s (from --stats) and whole-process tokens/s, beside CTranslate2 on the
             same sentences (passeur's segmentation) in one translate_batch call
  api        `translate_text(doc, engine=build_translator(M))` (guard on, no memory) in one
             process, second call (warm), beside CTranslate2's warm translate_batch
  jsonl      `passeur translate --format jsonl --no-tm`, one sentence a line, each written
             once the previous answer is back: median latency from the second line on,
             beside CTranslate2 translating each sentence alone
  help       `passeur --help` wall seconds, and what `import passeur.cli` loads

Results go to --out (JSON) and a Markdown table next to it (.md), printed too.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]  # speed.py's helpers, the one model factory

from speed import log, machine_load  # noqa: E402

SENTENCE = "Elon Musk a proposé 97,4 milliards de dollars."
HEAVY = ("torch", "transformers", "spacy", "ctranslate2", "sentencepiece", "thinc")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python bench/user_speed.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, help="sentences in the document (default 48; 6 with --tiny)")
    parser.add_argument("--new-tokens", type=int, help="tokens generated per sentence, forced (default 40; 8 with --tiny)")
    parser.add_argument("--stream-lines", type=int, help="one-sentence lines sent to the jsonl stream (default 12)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each measure (medians are reported)")
    parser.add_argument("--out", default="bench/user_speed.json")
    parser.add_argument("--work", help="folder for the model and caches (default: passeur's cache dir)")
    parser.add_argument("--tiny", action="store_true", help="a tiny model: a smoke test in seconds")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--render", help="only rebuild the summary and table of a saved --out JSON file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.command = "python bench/user_speed.py " + " ".join(sys.argv[1:] if argv is None else argv)
    args.sentences = args.sentences or (6 if args.tiny else 48)
    args.new_tokens = args.new_tokens or (8 if args.tiny else 40)
    args.stream_lines = args.stream_lines or (4 if args.tiny else 12)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return run_api_child(Path(args.child))
    if args.render:
        return rerender(Path(args.render))
    started, load_start = time.perf_counter(), machine_load()
    work = Path(args.work) if args.work else default_work_dir(args.tiny)
    os.environ["PASSEUR_CACHE"] = str(work / "cache")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    spec = prepare(work, args)
    runs: dict[str, list[dict]] = {}
    for round_ in range(args.repeats + 1):  # round 0 warms the caches (page cache, spaCy, CT2): not counted
        for name, measure in MEASURES.items():
            log(f"round {round_}: {name} ...")
            runs.setdefault(name, []).append(measure(spec, args))
    report = {"meta": describe(spec, args, time.perf_counter() - started, load_start),
              "warmup": {name: values[0] for name, values in runs.items()},
              "runs": {name: values[1:] for name, values in runs.items()}}
    return write_report(Path(args.out), report)


def rerender(path: Path) -> int:
    """Summary and table again from a saved report (after a change to how they are written)."""
    return write_report(path, json.loads(path.read_text(encoding="utf-8")))


def write_report(path: Path, report: dict) -> int:
    """Summarize the runs, write the JSON and the Markdown table next to it, print the table."""
    report["summary"] = summarize(report["runs"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    table = render(report)
    path.with_suffix(".md").write_text(table, encoding="utf-8")
    print(table)
    return 0


def default_work_dir(tiny: bool) -> Path:
    from passeur.translation.ct2 import cache_root

    return cache_root().parent / "bench" / ("user-tiny" if tiny else "user-opus")


def prepare(work: Path, args: argparse.Namespace) -> dict:
    """The model (fixed output length), its CTranslate2 conversion, the document and its sentences."""
    from modelfactory import build_opus_size_random_marian, build_random_marian, make_segments, write_generation_config
    from passeur.text.segmenter import split_sentences
    from passeur.models.hf import count_cpu_threads
    from passeur.translation.ct2 import ensure_converted
    from passeur.translation.tokenizer import MarianSentencePiece

    model_dir = work / ("model-tiny" if args.tiny else "model-opus")
    if not (model_dir / "config.json").exists():
        log(f"building a random model in {model_dir} ...")
        (build_random_marian if args.tiny else build_opus_size_random_marian)(model_dir)
    write_generation_config(model_dir, min_new_tokens=args.new_tokens, max_new_tokens=args.new_tokens)
    ct2_dir = ensure_converted(model_dir, "int8")
    tokenizer = MarianSentencePiece(model_dir)
    segments = make_segments(lambda text: len(tokenizer.encode(text)), 3 * args.sentences, seed=1,
                             median=12 if args.tiny else 28, longest=40 if args.tiny else 100)

    def sentences_of(count: int) -> tuple[str, list[str]]:
        text = " ".join(segments[:count]) + "\n"
        return text, [segment.text.strip() for segment in split_sentences(text) if segment.text.strip()]

    taken = args.sentences  # passeur's splitter may join two segments: take more until it finds N sentences
    document, sentences = sentences_of(taken)
    while len(sentences) < args.sentences and taken < len(segments):
        taken += args.sentences - len(sentences)
        document, sentences = sentences_of(taken)
    (work / "document.txt").write_text(document, encoding="utf-8")
    spec = {"model_dir": str(model_dir), "ct2_dir": str(ct2_dir), "document": str(work / "document.txt"),
            "sentences": sentences, "threads": count_cpu_threads(), "new_tokens": args.new_tokens,
            "pythonpath": os.pathsep.join(filter(None, [str(Path(__import__("passeur").__file__).resolve().parents[1]),
                                                        os.environ.get("PYTHONPATH")]))}
    (work / "spec.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    spec["spec_path"] = str(work / "spec.json")
    return spec


# -- processes -----------------------------------------------------------------------------


def passeur(*options: str) -> list[str]:
    return [sys.executable, "-m", "passeur", "translate", *options]


def reference(spec: dict, mode: str) -> list[str]:
    return [sys.executable, str(HERE / "ct2_reference.py"), spec["model_dir"], spec["ct2_dir"], mode,
            "--new-tokens", str(spec["new_tokens"]), "--threads", str(spec["threads"])]


def measure_cold(spec: dict, args) -> dict:
    ours = run_reaped(passeur("--model", spec["model_dir"], "--no-tm"), spec, SENTENCE + "\n", args.timeout)
    ref = run_reaped(reference(spec, "one-shot"), spec, SENTENCE + "\n", args.timeout)
    return {"passeur_s": ours["wall"], "passeur_rss_mb": ours["rss_mb"], "ct2_s": ref["wall"], "ct2_rss_mb": ref["rss_mb"]}


def measure_document(spec: dict, args) -> dict:
    ours = run_reaped(passeur("--model", spec["model_dir"], "--no-tm", "--stats", spec["document"]), spec, "",
                      args.timeout)
    stats = json.loads(next(line for line in reversed(ours["stderr"].splitlines()) if line.startswith("{")))  # --stats
    ref = run_reaped(reference(spec, "document"), spec, "\n".join(spec["sentences"]) + "\n", args.timeout)
    result = json.loads(ref["stdout"])
    return {"passeur_tokens": stats["generated_tokens"], "passeur_engine_s": stats["engine_seconds"],
            "passeur_wall_s": ours["wall"], "passeur_rss_mb": ours["rss_mb"], "ct2_tokens": result["tokens"],
            "ct2_engine_s": result["seconds"], "ct2_wall_s": ref["wall"], "ct2_rss_mb": ref["rss_mb"]}


def measure_api(spec: dict, args) -> dict:
    ours = run_reaped([sys.executable, str(Path(__file__).resolve()), "--child", spec["spec_path"]], spec, "",
                      args.timeout)
    result = json.loads(ours["stdout"].strip().splitlines()[-1])
    ref = json.loads(run_reaped(reference(spec, "document"), spec, "\n".join(spec["sentences"]) + "\n",
                                args.timeout)["stdout"])
    return {"passeur_tokens": result["tokens"], "passeur_s": result["seconds"], "ct2_tokens": ref["tokens"],
            "ct2_s": ref["seconds"]}


def run_api_child(spec_path: Path) -> int:
    """In a process of its own: translate the document twice through the public API; time the second."""
    from passeur.api import build_translator, translate_text

    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    text = Path(spec["document"]).read_text(encoding="utf-8")
    engine = build_translator(spec["model_dir"])
    translate_text(text, engine=engine)
    before = engine.stats.generated_tokens
    begin = time.perf_counter()
    translate_text(text, engine=engine)
    print(json.dumps({"tokens": engine.stats.generated_tokens - before, "seconds": time.perf_counter() - begin}))
    return 0


def measure_jsonl(spec: dict, args) -> dict:
    """Send one sentence, wait for its line, send the next: per-line latency as a user feels it."""
    lines = (spec["sentences"] * args.stream_lines)[: args.stream_lines]
    env = dict(os.environ, PYTHONPATH=spec["pythonpath"])
    process = subprocess.Popen(passeur("--model", spec["model_dir"], "--no-tm", "--format", "jsonl"), env=env,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    latencies = []
    for line in lines:
        begin = time.perf_counter()
        process.stdin.write(line + "\n")
        process.stdin.flush()
        answer = process.stdout.readline()
        latencies.append(time.perf_counter() - begin)
        if "translation" not in json.loads(answer):
            raise RuntimeError(f"jsonl stream answered {answer.strip()[:300]}")
    process.stdin.close()
    process.wait(timeout=args.timeout)
    ref = json.loads(run_reaped(reference(spec, "each"), spec, "\n".join(lines) + "\n", args.timeout)["stdout"])
    return {"passeur_first_s": latencies[0], "passeur_median_s": statistics.median(latencies[1:]),
            "ct2_one_sentence_s": ref["median_seconds"]}


def measure_help(spec: dict, args) -> dict:
    wall = run_reaped([sys.executable, "-m", "passeur", "--help"], spec, "", args.timeout)["wall"]
    probe = f"import sys, passeur.cli; print([m for m in {HEAVY!r} if m in sys.modules])"
    loaded = json.loads(run_reaped([sys.executable, "-c", probe], spec, "", args.timeout)["stdout"].replace("'", '"'))
    return {"help_s": wall, "heavy_modules_at_import": loaded}


def run_reaped(command: list[str], spec: dict, stdin: str, timeout: float) -> dict:
    """Run `command` to its end: wall seconds, its own peak RSS (MB, through GNU time), stdout, stderr.

    GNU time forks the command from a small process: a child forked from this benchmark
    would report the benchmark's own memory as its peak (Linux keeps the high-water mark
    across fork and exec). Without GNU time, the peak RSS is None.
    """
    env = dict(os.environ, PYTHONPATH=spec["pythonpath"])
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "rss"
        wrapped = [GNU_TIME, "-f", "%M", "-o", str(report), *command] if GNU_TIME else command
        begin = time.perf_counter()
        done = subprocess.run(wrapped, input=stdin, capture_output=True, text=True, env=env, timeout=timeout)
        wall = time.perf_counter() - begin
        if done.returncode:
            raise RuntimeError(f"{' '.join(command[:5])} ... exited {done.returncode}: {done.stderr.strip()[-1500:]}")
        rss = int(report.read_text().split()[-1]) / 1024 if GNU_TIME else None
    return {"wall": wall, "rss_mb": rss, "stdout": done.stdout, "stderr": done.stderr}


GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None
MEASURES = {"cold": measure_cold, "document": measure_document, "api": measure_api, "jsonl": measure_jsonl,
            "help": measure_help}


# -- report --------------------------------------------------------------------------------


def summarize(runs: dict[str, list[dict]]) -> dict:
    """Medians of every number, and the ratios the goals are stated in."""
    med = {name: {key: statistics.median(r[key] for r in values) for key in values[0]
                  if all(isinstance(r[key], (int, float)) for r in values)} for name, values in runs.items()}
    cold, doc, api, jsonl = med["cold"], med["document"], med["api"], med["jsonl"]
    return {
        "medians": med,
        "cold_wall_x_ct2": cold["passeur_s"] / cold["ct2_s"],
        "cold_peak_rss_mb": max((r["passeur_rss_mb"] or 0) for r in runs["cold"]) or None,
        "document_engine_x_ct2": (doc["passeur_tokens"] / doc["passeur_engine_s"]) / (doc["ct2_tokens"] / doc["ct2_engine_s"]),
        "document_process_x_ct2": (doc["passeur_tokens"] / doc["passeur_wall_s"]) / (doc["ct2_tokens"] / doc["ct2_wall_s"]),
        "api_x_ct2": (api["passeur_tokens"] / api["passeur_s"]) / (api["ct2_tokens"] / api["ct2_s"]),
        "jsonl_latency_x_ct2": jsonl["passeur_median_s"] / jsonl["ct2_one_sentence_s"],
        "help_s": med["help"]["help_s"],
        "heavy_modules_at_import": sorted({m for r in runs["help"] for m in r["heavy_modules_at_import"]}),
        "equal_lengths": all(r["passeur_tokens"] == r["ct2_tokens"] for r in runs["document"] + runs["api"]),
        "per_run": {  # the same ratios, run by run (passeur's and the reference's runs alternate)
            "cold_wall_x_ct2": [r["passeur_s"] / r["ct2_s"] for r in runs["cold"]],
            "document_engine_x_ct2": [r["ct2_engine_s"] / r["passeur_engine_s"] for r in runs["document"]],
            "document_process_x_ct2": [r["ct2_wall_s"] / r["passeur_wall_s"] for r in runs["document"]],
            "api_x_ct2": [r["ct2_s"] / r["passeur_s"] for r in runs["api"]],
            "jsonl_latency_x_ct2": [r["passeur_median_s"] / r["ct2_one_sentence_s"] for r in runs["jsonl"]],
        },
    }


GOALS = [  # (label, summary key, goal text, test)
    ("cold one sentence, memory off: wall, x the minimal CTranslate2 script", "cold_wall_x_ct2", "<= 3", lambda v: v <= 3),
    ("cold one sentence, memory off: peak RSS, MB", "cold_peak_rss_mb", "<= 400", lambda v: v <= 400),
    ("document, guard on, memory off: engine tokens/s, x CTranslate2", "document_engine_x_ct2", ">= 0.9", lambda v: v >= 0.9),
    ("document, guard on, memory off: whole-process tokens/s, x CTranslate2", "document_process_x_ct2", ">= 0.6", lambda v: v >= 0.6),
    ("translate_text via build_translator (warm): tokens/s, x CTranslate2", "api_x_ct2", "-", None),
    ("jsonl stream, memory off: median per-line latency, x CTranslate2 one sentence", "jsonl_latency_x_ct2", "<= 1.5", lambda v: v <= 1.5),
    ("`passeur --help`, s", "help_s", "< 0.3", lambda v: v < 0.3),
]


def render(report: dict) -> str:
    meta, summary = report["meta"], report["summary"]
    med = summary["medians"]
    lines = [
        f"Model: {meta['model']}; {meta['sentences']} sentences, {meta['new_tokens']} tokens generated per sentence "
        f"on every path (forced); beam 4; {meta['threads']} CTranslate2 threads; {meta['repeats']} runs of each, "
        f"medians. Load average {meta['load_average_start']} at the start, {meta['load_average_end']} at the end "
        f"({meta['cores']} cores).",
        f"Command: `{meta['command']}`",
        "",
        "| measure | passeur | CTranslate2 direct | ratio | goal | met |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    rows = {
        "cold_wall_x_ct2": (f"{med['cold']['passeur_s']:.2f} s", f"{med['cold']['ct2_s']:.2f} s"),
        "cold_peak_rss_mb": (f"{summary['cold_peak_rss_mb'] or 0:.0f} MB",
                             f"{med['cold'].get('ct2_rss_mb', 0):.0f} MB"),
        "document_engine_x_ct2": (f"{med['document']['passeur_tokens'] / med['document']['passeur_engine_s']:.0f} tok/s",
                                  f"{med['document']['ct2_tokens'] / med['document']['ct2_engine_s']:.0f} tok/s"),
        "document_process_x_ct2": (f"{med['document']['passeur_tokens'] / med['document']['passeur_wall_s']:.0f} tok/s",
                                   f"{med['document']['ct2_tokens'] / med['document']['ct2_wall_s']:.0f} tok/s"),
        "api_x_ct2": (f"{med['api']['passeur_tokens'] / med['api']['passeur_s']:.0f} tok/s",
                      f"{med['api']['ct2_tokens'] / med['api']['ct2_s']:.0f} tok/s"),
        "jsonl_latency_x_ct2": (f"{med['jsonl']['passeur_median_s']:.2f} s", f"{med['jsonl']['ct2_one_sentence_s']:.2f} s"),
        "help_s": (f"{summary['help_s']:.2f} s", "-"),
    }
    for label, key, goal, test in GOALS:
        value = summary[key]
        if value is None:  # no GNU time: no peak RSS
            lines.append(f"| {label} | - | - | - | {goal} | not measured |")
            continue
        ratio = f"{value:.2f}" if key not in ("cold_peak_rss_mb", "help_s") else "-"
        met = "-" if test is None else ("yes" if test(value) else "**no**")
        lines.append(f"| {label} | {rows[key][0]} | {rows[key][1]} | {ratio} | {goal} | {met} |")
    lines += ["", f"Heavy modules loaded by `import passeur.cli`: {', '.join(summary['heavy_modules_at_import']) or 'none'}. "
              f"Equal generated lengths on both sides: {summary['equal_lengths']}. "
              f"jsonl first answer (cold): {med['jsonl']['passeur_first_s']:.2f} s.",
              "", "Ratios run by run (the table compares medians): " + "; ".join(
                  f"{key} {', '.join(f'{v:.2f}' for v in values)}" for key, values in summary["per_run"].items()) + "."]
    return "\n".join(lines) + "\n"


def describe(spec: dict, args, seconds: float, load_start) -> dict:
    config = json.loads((Path(spec["model_dir"]) / "config.json").read_text(encoding="utf-8"))
    return {"model": f"random Marian, d_model {config['d_model']}, {config['encoder_layers']}+{config['decoder_layers']} "
                     f"layers, vocab {config['vocab_size']:,}",
            "sentences": len(spec["sentences"]), "new_tokens": spec["new_tokens"], "threads": spec["threads"],
            "repeats": args.repeats, "cores": os.cpu_count(), "load_average_start": load_start,
            "load_average_end": machine_load(), "bench_seconds": round(seconds, 1), "command": args.command.strip(),
            "python": sys.version.split()[0], "date": time.strftime("%Y-%m-%d %H:%M")}


if __name__ == "__main__":
    sys.exit(main())
