"""What a 100,000-row user glossary costs: loading it, and translating an article with it.

Issue 12 (defect 17) set the goals: the glossary loads in at most 2 s and adds at most 10%
to the translation. Before, one regex alternation of every term took 13.6 s to load and
made 355 words take 50 s instead of about 10.

The glossary is synthetic (French-looking terms of one to three words, deterministic) plus
the sample glossary's rows, so some terms really occur. The article is the two French
samples. The translation runs through the public API (`build_translator`, guard on) with
the tiny copy-trained Marian built by tests/modelfactory.py: its translation is fast, so
the glossary's share of the time is larger than with a real model (a conservative measure).
A third engine with only the sample glossary (the same terms found) tells what the 100,000
rows cost apart from the work the found terms bring (checking and repairing them).
Load times are the median of `--repeats` loads; translation times alternate with and
without the glossary after a warm-up (model and spaCy loaded), and medians are compared.
CPU seconds are given beside wall seconds: on a shared machine wall time is noisy.

Usage: python bench/large_glossary.py [--rows 100000] [--repeats 11] [--out bench/large_glossary.json]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the one model factory

LETTERS = "abcdefghijklmnopqrstuvwxyzéèàç"


def write_glossary(path: Path, rows: int) -> None:
    rng = random.Random(12)
    seen, lines = set(), []
    while len(lines) < rows:
        term = " ".join("".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 9)))
                        for _ in range(rng.randint(1, 3)))
        if term not in seen:
            seen.add(term)
            lines.append(f"{term},{term.upper()}")
    sample = [line for line in (ROOT / "samples" / "glossary.csv").read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
    path.write_text("\n".join(sample + lines) + "\n", encoding="utf-8")


def timed(function):
    wall, cpu = time.perf_counter(), time.process_time()
    value = function()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=11)
    parser.add_argument("--out", default=str(ROOT / "bench" / "large_glossary.json"))
    args = parser.parse_args(argv)

    import modelfactory
    from passeur.api import build_translator, load_termbase, translate_document

    cache = Path(os.environ.get("PASSEUR_CACHE") or tempfile.gettempdir()) / "passeur-bench"
    model = modelfactory.build_copy_marian(cache / "copy-marian")
    text = "\n\n".join((ROOT / "samples" / name).read_text(encoding="utf-8")
                       for name in ("01_port_de_lorient.fr.txt", "02_startup_nantes.fr.md"))
    with tempfile.TemporaryDirectory() as folder:
        glossary = Path(folder) / "glossary.csv"
        write_glossary(glossary, args.rows)
        loads = [timed(lambda: load_termbase(glossary))[1:] for _ in range(args.repeats)]
        small = Path(folder) / "sample.csv"
        write_glossary(small, 0)
        engines = {"without": build_translator(str(model), tm=None),
                   "sample": build_translator(str(model), glossary=str(small), tm=None),
                   "with": build_translator(str(model), glossary=str(glossary), tm=None)}
        found = len(load_termbase(glossary).find(text))
        for engine in engines.values():  # warm-up: model, tokenizer and spaCy loaded
            translate_document(text, engine, source_lang="fr")
        runs: dict[str, list[tuple[float, float]]] = {mode: [] for mode in engines}
        for _ in range(args.repeats):
            for mode, engine in engines.items():
                runs[mode].append(timed(lambda: translate_document(text, engine, source_lang="fr"))[1:])

    def median(pairs, index):
        return round(statistics.median(pair[index] for pair in pairs), 3)

    result = {
        "rows": args.rows + 0, "words": len(text.split()), "terms_found_in_text": found, "repeats": args.repeats,
        "load_seconds": median(loads, 0), "load_cpu_seconds": median(loads, 1),
        "translate_seconds_without": median(runs["without"], 0), "translate_seconds_with": median(runs["with"], 0),
        "translate_seconds_with_sample_glossary": median(runs["sample"], 0),
        "translate_cpu_seconds_without": median(runs["without"], 1),
        "translate_cpu_seconds_with": median(runs["with"], 1),
        "translate_cpu_seconds_with_sample_glossary": median(runs["sample"], 1),
        "load_average": round(os.getloadavg()[0], 2),
    }
    result["overhead"] = round(result["translate_seconds_with"] / result["translate_seconds_without"] - 1, 3)
    result["overhead_cpu"] = round(result["translate_cpu_seconds_with"] / result["translate_cpu_seconds_without"] - 1, 3)
    # what the glossary's size costs: 100,000 rows against the sample glossary's few (same terms found)
    result["size_overhead"] = round(result["translate_seconds_with"] / result["translate_seconds_with_sample_glossary"] - 1, 3)
    result["size_overhead_cpu"] = round(
        result["translate_cpu_seconds_with"] / result["translate_cpu_seconds_with_sample_glossary"] - 1, 3)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
