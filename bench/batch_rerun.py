"""How much faster is a second `passeur batch` over the same folder? (issue: batch + memory)

Builds (once, cached) the tiny copy model of the test suite (its outputs are as long as
its inputs, like a real translation's; a random model never stops generating), copies
samples/ into a scratch folder and runs the real command three times in fresh processes,
timing each:

1. first run: loads the model, translates everything, fills the translation memory;
2. second run, same command: every finished file is skipped (manifest);
3. `--force` run: every file is redone, every segment comes from the memory.

Usage: python bench/batch_rerun.py [--out bench/batch_rerun.json]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_model(cache: Path) -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    import modelfactory

    return modelfactory.build_copy_marian(cache / "copy-marian")


def run(args: list[str], env: dict) -> tuple[float, dict, int]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "passeur", "batch", *args, "--stats"], capture_output=True,
                          text=True, env=env)
    seconds = time.perf_counter() - started
    stats = next((json.loads(line) for line in proc.stderr.splitlines() if line.startswith("{")), {})
    return seconds, stats, proc.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "bench" / "batch_rerun.json"))
    parser.add_argument("--cache", default=os.path.expanduser("~/.cache/passeur/bench"))
    options = parser.parse_args(argv)
    model = build_model(Path(options.cache))
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        shutil.copytree(ROOT / "samples", scratch / "in")
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "PASSEUR_CACHE": str(scratch / "cache")}
        common = [str(scratch / "in"), str(scratch / "out"), "--model", str(model),
                  "--tm", str(scratch / "memory.sqlite3"), "--source-lang", "fr"]
        rows = []
        for label, extra in (("first run", []), ("second run", []), ("--force (memory)", ["--force"])):
            seconds, stats, code = run(common + extra, env)
            rows.append({"run": label, "seconds": round(seconds, 2), "exit": code, "stats": stats})
    first = rows[0]["seconds"]
    for row in rows:
        row["speedup"] = round(first / row["seconds"], 1)
    Path(options.out).write_text(json.dumps({"model": "tiny copy Marian (tests/modelfactory.py)", "runs": rows}, indent=2) + "\n")
    print("| run | seconds | x faster than the first | segments | from memory |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for row in rows:
        stats = row["stats"]
        print(f"| {row['run']} | {row['seconds']} | {row['speedup']} | {stats.get('segments', 0)} | "
              f"{stats.get('cached_segments', 0)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
