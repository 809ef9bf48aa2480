"""`passeur batch` over 40 short files: --executor local vs --executor ray --workers 2 (issue 14).

Builds (once, cached) two models from tests/modelfactory.py, and for each one writes 40
short French files (6 sentences, about 100 words each) in a tree, then times the real
command in fresh processes, Ray's start-up included, alternating the order between
repetitions (the machine is shared: compare the two within a repetition):

* opus: a random MarianMT with opus-mt-fr-en's exact architecture (74.6M parameters),
  its generation fixed at 32 new tokens per segment (speed does not depend on weight
  values), run through passeur's default backend (CTranslate2 int8 on CPU);
* copy: the test suite's tiny copy model (outputs as long as the inputs): a run that is
  almost all start-up, the worst case for Ray.

Each run is `--no-tm` (a memory would make the second run free) and `--stats`. Reported per
run: wall seconds, the ray/local ratio, tokens generated, tokens/s of the whole run, and
tokens per worker-second (generated tokens / the seconds the jobs ran, summed over files:
the throughput of one worker, what a cluster multiplies); and whether the outputs (and the
manifest) of the two executors are identical byte for byte. It also times Ray's start-up
alone (`ray.init` + 2 actors answering + `ray.shutdown`), as `--executor ray` starts it.

Usage: python bench/batch_ray.py [--models opus,copy] [--reps 2] [--out bench/batch_ray.json]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

NEW_TOKENS = 32
RAY_START = """
import time
t = time.perf_counter()
import logging, ray
ray.init(address="local", num_cpus=2, include_dashboard=False, object_store_memory=80 << 20, log_to_driver=False,
         logging_level=logging.ERROR)
up = time.perf_counter()
Probe = ray.remote(num_cpus=1)(type("Probe", (), {"ping": lambda self: 1}))
actors = [Probe.remote() for _ in range(2)]
ray.get([a.ping.remote() for a in actors])
ready = time.perf_counter()
ray.shutdown()
print(round(up - t, 2), round(ready - up, 2), round(time.perf_counter() - ready, 2))
"""


def build_models(cache: Path, names: list[str]) -> dict[str, Path]:
    import modelfactory
    from passeur.translation.ct2 import ensure_converted

    models = {}
    if "opus" in names:
        opus = modelfactory.build_opus_size_random_marian(cache / "opus-size-random-marian")
        modelfactory.write_generation_config(opus, min_new_tokens=NEW_TOKENS, max_new_tokens=NEW_TOKENS)
        models["opus"] = opus
    if "copy" in names:
        models["copy"] = modelfactory.build_copy_marian(cache / "copy-marian")
    for model in models.values():
        ensure_converted(model, "int8")  # converted once, before any timed run
    return models


def write_inputs(root: Path, files: int, sentences: int) -> None:
    import modelfactory

    pool = modelfactory.copy_sentences(files * sentences, seed=14)
    for i in range(files):
        path = root / ["", "monde/", "economie/", "sport/"][i % 4] / f"breve{i:02}.fr.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        body = pool[i * sentences:(i + 1) * sentences]
        path.write_text(" ".join(body[:3]) + "\n\n" + " ".join(body[3:]) + "\n", encoding="utf-8")


def run(args: list[str], env: dict) -> dict:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "passeur", "batch", *args, "--no-tm", "--stats", "--json"],
                          capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"passeur batch {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}")
    stats = next(json.loads(line) for line in proc.stderr.splitlines() if line.startswith("{"))
    return {"seconds": round(seconds, 2), "stats": stats, "load": round(os.getloadavg()[0], 2)}


def digests(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def ray_start(env: dict) -> dict:
    proc = subprocess.run([sys.executable, "-c", RAY_START], capture_output=True, text=True, env=env, check=True)
    init, actors, shutdown = map(float, proc.stdout.split()[-3:])
    return {"ray_init": init, "two_actors": actors, "shutdown": shutdown}


def summarise(row: dict) -> dict:
    stats = row["stats"]
    worker_seconds = stats.get("seconds") or 0
    return {"seconds": row["seconds"], "generated_tokens": stats["generated_tokens"],
            "tokens_per_s": round(stats["generated_tokens"] / row["seconds"], 1),
            "tokens_per_worker_s": round(stats["generated_tokens"] / worker_seconds, 1) if worker_seconds else None,
            "load": row["load"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="opus,copy", help="comma-separated: opus, copy")
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--sentences", type=int, default=6)
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache", default=os.path.expanduser("~/.cache/passeur/bench"))
    parser.add_argument("--out", default=str(ROOT / "bench" / "batch_ray.json"))
    options = parser.parse_args(argv)
    cache = Path(options.cache)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PASSEUR_CACHE": str(cache / "passeur-cache")}
    os.environ["PASSEUR_CACHE"] = env["PASSEUR_CACHE"]
    models = build_models(cache, options.models.split(","))
    results = {"files": options.files, "sentences_per_file": options.sentences, "workers": options.workers,
               "cores": os.cpu_count(), "python": platform.python_version(), "models": {},
               "ray_start": ray_start(env)}
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        write_inputs(scratch / "in", options.files, options.sentences)
        for name, model in models.items():
            rows = []
            for rep in range(options.reps):
                order = ["local", "ray"] if rep % 2 == 0 else ["ray", "local"]
                row = {}
                for executor in order:
                    out = scratch / f"{name}-{rep}-{executor}"
                    extra = ["--executor", "ray", "--workers", str(options.workers)] if executor == "ray" else []
                    row[executor] = summarise(run([str(scratch / "in"), str(out), "--model", str(model),
                                                   "--source-lang", "fr", *extra], env))
                row["ratio"] = round(row["ray"]["seconds"] / row["local"]["seconds"], 2)
                row["identical"] = digests(scratch / f"{name}-{rep}-local") == digests(scratch / f"{name}-{rep}-ray")
                rows.append(row)
                print(f"{name} rep {rep + 1}: local {row['local']['seconds']} s, ray {row['ray']['seconds']} s, "
                      f"ratio {row['ratio']}, identical {row['identical']}", flush=True)
            results["models"][name] = rows
    Path(options.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(render(results))
    return 0


def render(results: dict) -> str:
    start = results["ray_start"]
    lines = [f"Ray start-up alone: ray.init {start['ray_init']} s, 2 actors ready {start['two_actors']} s, "
             f"shutdown {start['shutdown']} s", "",
             "| model | rep | local s | ray s | ray/local | tokens | local tok/s | ray tok/s | "
             "tok per worker-s (local / ray) | identical | load |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |"]
    for name, rows in results["models"].items():
        for rep, row in enumerate(rows, 1):
            local, ray = row["local"], row["ray"]
            lines.append(f"| {name} | {rep} | {local['seconds']} | {ray['seconds']} | {row['ratio']} | "
                         f"{local['generated_tokens']} | {local['tokens_per_s']} | {ray['tokens_per_s']} | "
                         f"{local['tokens_per_worker_s']} / {ray['tokens_per_worker_s']} | {row['identical']} | "
                         f"{local['load']}-{ray['load']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
