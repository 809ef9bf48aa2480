"""Translation speed benchmark: `python bench/speed.py [--tiny] [--out bench/results.json]`.

Builds, locally, a randomly initialised model with opus-mt-fr-en's exact architecture and
a matching tokenizer (speed does not depend on weight values), cuts French segments of
news-like token lengths, and times, in one run, with the same inputs, beam sizes and a
fixed number of generated tokens per segment:

  baseline           transformers generate(), fp32, one segment at a time (on a subset)
  default            passeur's default path, through `passeur.translate_text`
  api-ct2            the same API with passeur's CTranslate2 engine passed explicitly
                     (timed too when the default backend is not CTranslate2)
  ct2                CTranslate2 (int8 on CPU, float16 on CUDA) on the same weights: the reference
  transformers-int8  passeur's transformers backend with dynamic int8 (on a subset)

Each path runs in a fresh process, so peak RSS and load time are its own. Results go to a
JSON file and a Markdown table next to it (`results.md`), and the table is printed.
It also trains (once, cached) a tiny Marian to copy its input and reports how often int8
outputs are identical to fp32 ones.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]  # speedpaths, and the one model factory

DEFAULT_PATHS = ("baseline", "default", "ct2", "transformers-int8")
RESULT_PREFIX = "BENCH-RESULT "


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python bench/speed.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--segments", type=int, help="segments timed (default 200; 24 with --tiny)")
    parser.add_argument("--beams", default="4,1", help="beam sizes, comma-separated (default 4,1)")
    parser.add_argument("--new-tokens", type=int, help="tokens generated per segment, forced (default 32; 8 with --tiny)")
    parser.add_argument("--baseline-segments", type=int, help="segments for the one-at-a-time baseline (default 8)")
    parser.add_argument("--engine-segments", type=int, help="segments for the transformers backend paths (default 32)")
    parser.add_argument("--paths", default=None,
                        help="paths to time, comma-separated, from: baseline,default,api-ct2,ct2,transformers-int8,"
                        "transformers-fp32 (default: " + ",".join(DEFAULT_PATHS) + ", plus api-ct2 when the "
                        "default backend is not CTranslate2)")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--out", default="bench/results.json", help="JSON results (the table goes next to it, .md)")
    parser.add_argument("--work", default=None, help="folder for the built model and CT2 cache (default: a cache folder)")
    parser.add_argument("--copy-model", default=None,
                        help="copy model for int8 agreement with fp32: a Marian folder, 'trained' (build and cache a "
                        "tiny copy-trained Marian, about a minute the first time; the default) or 'none' "
                        "(the default with --tiny)")
    parser.add_argument("--tiny", action="store_true", help="a tiny model and few segments: a smoke test in seconds")
    parser.add_argument("--in-process", action="store_true", help="run paths in this process (no RSS isolation)")
    parser.add_argument("--timeout", type=float, default=240, help="seconds allowed per path process")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    parser.add_argument("--beam", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.command = "python bench/speed.py " + " ".join(sys.argv[1:] if argv is None else argv)
    tiny = args.tiny
    args.segments = args.segments or (24 if tiny else 200)
    args.new_tokens = args.new_tokens or (8 if tiny else 32)
    args.baseline_segments = min(args.segments, args.baseline_segments or (4 if tiny else 8))
    args.engine_segments = min(args.segments, args.engine_segments or (12 if tiny else 32))
    args.copy_model = args.copy_model or ("none" if tiny else "trained")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return run_child(args)
    started = time.perf_counter()
    args.load_start = machine_load()
    work = Path(args.work) if args.work else default_work_dir(args.tiny)
    os.environ["PASSEUR_CACHE"] = str(work / "cache")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    spec = prepare(work, args)
    spec_path = work / f"spec-{'tiny' if args.tiny else 'opus'}.json"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    results, failures = [], []
    for beam in [int(b) for b in args.beams.split(",") if b.strip()]:
        for name in choose_paths(args, spec):
            log(f"beam {beam}: {name} ...")
            try:
                results.append(measure(name, spec_path, beam, args))
            except Exception as exc:  # one broken path must not hide the others' numbers
                failures.append({"path": name, "beam": beam, "error": str(exc)[-2000:]})
                log(f"beam {beam}: {name} failed: {str(exc).strip().splitlines()[-1] if str(exc).strip() else exc}")
    agreement = []
    if spec["copy_model"]:
        for beam in [int(b) for b in args.beams.split(",") if b.strip()]:
            log(f"agreement with fp32, beam {beam} ...")
            try:
                agreement.append(measure("agreement", spec_path, beam, args))
            except Exception as exc:
                failures.append({"path": "agreement", "beam": beam, "error": str(exc)[-2000:]})
    add_ratios(results)
    report = {"meta": describe_run(spec, args, time.perf_counter() - started), "results": results,
              "agreement": agreement, "failures": failures}
    table = render_table(report)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(table, encoding="utf-8")
    print(table)
    return 1 if failures else 0


def default_work_dir(tiny: bool) -> Path:
    from passeur.translation.ct2 import cache_root

    return cache_root().parent / "bench" / ("tiny" if tiny else "opus")


def prepare(work: Path, args: argparse.Namespace) -> dict:
    """Build (or reuse) the model, cut the segments, convert for CTranslate2 ahead of time."""
    from modelfactory import build_opus_size_random_marian, build_random_marian, make_segments, write_generation_config
    from passeur.translation.ct2 import ensure_converted, load_tokenizer

    size = "tiny" if args.tiny else "opus"
    model_dir = work / f"model-{size}"
    if not (model_dir / "config.json").exists():
        log(f"building a random {size} Marian model in {model_dir} ...")
        (build_random_marian if args.tiny else build_opus_size_random_marian)(model_dir)
    # Fix the output length for every path that honours the model's generation config.
    write_generation_config(model_dir, min_new_tokens=args.new_tokens, max_new_tokens=args.new_tokens)
    tokenizer = load_tokenizer(model_dir)
    count = lambda text: len(tokenizer(text)["input_ids"])  # noqa: E731
    segments = make_segments(count, args.segments, median=12 if args.tiny else 28, longest=40 if args.tiny else 100)
    lengths = [count(s) for s in segments]
    for compute_type in ct2_compute_types(args.device):
        log(f"converting to CTranslate2 ({compute_type}), cached ...")
        ensure_converted(model_dir, compute_type)
    copy_model = None if args.copy_model == "none" else args.copy_model
    if copy_model == "trained":
        from modelfactory import build_trained_copy_marian, read_stamp

        if read_stamp(work / "copy-trained") is None:
            log("training a tiny copy model (once; cached) ...")
        copy_model = str(build_trained_copy_marian(work / "copy-trained"))
    return {"model_dir": str(model_dir), "segments": segments, "source_tokens": lengths,
            "new_tokens": args.new_tokens, "baseline_segments": args.baseline_segments,
            "engine_segments": args.engine_segments, "device": args.device, "copy_model": copy_model,
            "agreement_segments": 100 if not args.tiny else 20, "size": size}


def choose_paths(args: argparse.Namespace, spec: dict) -> list[str]:
    """--paths as given; else the default set, plus api-ct2 when the default isn't CTranslate2."""
    if args.paths:
        return [p.strip() for p in args.paths.split(",") if p.strip()]
    from passeur.translation.backends import create_translation_engine

    paths = list(DEFAULT_PATHS)
    if create_translation_engine(spec["model_dir"], device=args.device).describe().get("engine") != "ctranslate2":
        paths.insert(2, "api-ct2")
    return paths


def ct2_compute_types(device: str) -> list[str]:
    from passeur.translation.ct2 import pick_compute_type, pick_device

    return [pick_compute_type(pick_device(device), None)]


def measure(name: str, spec_path: Path, beam: int, args: argparse.Namespace) -> dict:
    """Run one path, in a fresh process unless --in-process; return its result dict."""
    if args.in_process:
        from speedpaths import run_path

        return run_path(name, json.loads(spec_path.read_text(encoding="utf-8")), beam)
    source_root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [source_root, os.environ.get("PYTHONPATH")])))
    command = [sys.executable, str(Path(__file__).resolve()), "--child", name, "--spec", str(spec_path), "--beam", str(beam)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=args.timeout)
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX):])
    raise RuntimeError(f"{name} exited {done.returncode}: {done.stderr.strip()[-1500:]}")


def run_child(args: argparse.Namespace) -> int:
    """Inside a path's own process: run it and print the result as one JSON line."""
    import warnings

    from speedpaths import run_path

    warnings.filterwarnings("ignore")
    spec = json.loads(Path(args.spec).read_text(encoding="utf-8"))
    result = run_path(args.child, spec, args.beam)
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


def add_ratios(results: list[dict]) -> None:
    """tokens/s relative to the baseline and to the CTranslate2 reference of the same beam."""
    for result in results:
        same_beam = {r["path"]: r for r in results if r["beam"] == result["beam"]}
        for key, ref in (("x_baseline", "baseline"), ("x_ct2", "ct2")):
            if ref in same_beam and same_beam[ref].get("tokens_per_s"):
                result[key] = round(result["tokens_per_s"] / same_beam[ref]["tokens_per_s"], 3)


def describe_run(spec: dict, args: argparse.Namespace, seconds: float) -> dict:
    import ctranslate2
    import psutil

    config = json.loads((Path(spec["model_dir"]) / "config.json").read_text())
    lengths = spec["source_tokens"]
    return {
        "model": f"random Marian, {spec['size']} size (opus-mt-fr-en architecture when 'opus')",
        "architecture": {k: config[k] for k in ("encoder_layers", "decoder_layers", "d_model",
                                                "encoder_attention_heads", "encoder_ffn_dim", "vocab_size")},
        "segments": len(lengths),
        "source_tokens": {"median": statistics.median(lengths), "min": min(lengths), "max": max(lengths),
                          "total": sum(lengths)},
        "new_tokens_per_segment": spec["new_tokens"],
        "beams": args.beams,
        "device_requested": args.device,
        "cpu": platform.processor() or platform.machine(),
        "cpu_cores_logical": psutil.cpu_count(), "cpu_cores_physical": psutil.cpu_count(logical=False),
        "python": platform.python_version(), "ctranslate2": ctranslate2.__version__,
        "torch": package_version("torch"), "transformers": package_version("transformers"),
        "isolated_processes": not args.in_process, "bench_seconds": round(seconds, 1),
        "load_average_start": args.load_start, "load_average_end": machine_load(),
        "command": args.command.strip(),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def render_table(report: dict) -> str:
    """A readable Markdown table, one section per beam size."""
    from speedpaths import LABELS

    meta = report["meta"]
    arch = meta["architecture"]
    lines = [
        f"Model: {meta['model']}: {arch['encoder_layers']}+{arch['decoder_layers']} layers, d_model {arch['d_model']}, "
        f"{arch['encoder_attention_heads']} heads, FFN {arch['encoder_ffn_dim']}, vocab {arch['vocab_size']:,}.",
        f"Inputs: {meta['segments']} French segments, source tokens median {meta['source_tokens']['median']} "
        f"(min {meta['source_tokens']['min']}, max {meta['source_tokens']['max']}); "
        f"{meta['new_tokens_per_segment']} tokens generated per segment (forced). "
        f"CPU: {meta['cpu_cores_physical']} physical / {meta['cpu_cores_logical']} logical cores. "
        f"Whole run: {meta['bench_seconds']} s; 1-minute load average {meta['load_average_start']} at the start, "
        f"{meta['load_average_end']} at the end (above the core count, other work shared the CPU: "
        f"compare ratios, and tokens per CPU-second).",
        f"Command: `{meta['command']}`",
        "",
    ]
    for beam in sorted({r["beam"] for r in report["results"]}, reverse=True):
        lines += [f"Beam {beam}", "",
                  "| path | device | segments | generated tokens | tokens/s | x baseline | x CTranslate2 "
                  "| tokens/CPU-s | load s | peak RSS MB |",
                  "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in [r for r in report["results"] if r["beam"] == beam]:
            label = LABELS.get(r["path"], r["path"])
            if r.get("compute_type"):
                label += f" {r['compute_type']}"
            lines.append(f"| {label} | {r['device']} | {r['segments']} | {r['generated_tokens']} | {r['tokens_per_s']:.1f} "
                         f"| {r.get('x_baseline', '-')} | {r.get('x_ct2', '-')} | {r['tokens_per_cpu_s']:.1f} | {r['load_s']:.2f} "
                         f"| {r['peak_rss_mb']:.0f} |")
        notes = [f"- {r['path']}: {r['notes']}" for r in report["results"] if r["beam"] == beam and r.get("notes")]
        lines += [""] + notes + [""] if notes else [""]
    for a in report.get("agreement", []):
        lines.append(f"Identical to transformers fp32 on the copy model ({a.get('model', 'copy')}), beam {a['beam']}, "
                     f"{a['segments']} segments: CTranslate2 int8 {a['ctranslate2_int8']:.0%} "
                     f"(vs CTranslate2 float32: {a['ctranslate2_int8_vs_float32']:.0%}), CTranslate2 float32 "
                     f"{a['ctranslate2_float32']:.0%}, transformers dynamic int8 {a['transformers_dynamic_int8']:.0%}; "
                     f"fp32 copies its input exactly in {a['copy_exact_fp32']:.0%}.")
    for f in report.get("failures", []):
        lines.append(f"FAILED {f['path']} beam {f['beam']}: {f['error'].strip().splitlines()[-1] if f['error'].strip() else ''}")
    return "\n".join(lines).rstrip() + "\n"


def package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return ""


def machine_load() -> float | None:
    """The 1-minute load average, where the OS reports one."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
