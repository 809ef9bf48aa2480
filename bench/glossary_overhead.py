"""What the glossary guard adds to the wall time of translating a 1,000-word article.

The model is randomly initialised with the exact opus-mt-fr-en shape (speed does not depend
on weight values), generating 32 tokens per segment (a random model would otherwise never
stop). Each measurement is a fresh process running the whole of `translate` through the
public API (imports, model load, translation), with the guard (extract names and figures
with spaCy, n-best choice, verification, repair) and without it; the two alternate, and the
median of each is compared.

Usage: python bench/glossary_overhead.py [--repeats 3] [--out bench/glossary_overhead.json]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the one model factory
WARM_CHILD = """
import json, sys, time
from pathlib import Path
from passeur.translation.backends import create_translation_engine
from passeur.fidelity.guard import GlossaryGuard
from passeur.translation.pipeline import translate_document
text = Path(sys.argv[1]).read_text(encoding="utf-8")
warmup = Path(sys.argv[3]).read_text(encoding="utf-8")
inner = create_translation_engine(sys.argv[2])
guarded = GlossaryGuard(inner)
translate_document(warmup, guarded, source_lang="fr")  # loads the model and spaCy, once
times = {"plain": [], "guarded": []}
for _ in range(int(sys.argv[4])):
    for mode, engine in (("plain", inner), ("guarded", guarded)):
        started = time.perf_counter()
        translate_document(text, engine, source_lang="fr")
        times[mode].append(round(time.perf_counter() - started, 3))
print(json.dumps(times))
"""
CHILD = """
import sys, time
from pathlib import Path
from passeur.api import build_translator
from passeur.translation.pipeline import translate_document
text = Path(sys.argv[1]).read_text(encoding="utf-8")
engine = build_translator(sys.argv[2], guard=sys.argv[3] == "guarded")
result = translate_document(text, engine, source_lang="fr")
print(len(result.translation.split()), result.stats["segments"])
"""


def prepare_model(cache: Path) -> Path:
    from modelfactory import build_opus_size_random_marian, write_generation_config

    base = cache / "opus-size-random"
    if not (base / "config.json").exists():
        build_opus_size_random_marian(base)
    fixed = cache / "opus-size-random-32"
    if not fixed.exists():
        shutil.copytree(base, fixed)
        write_generation_config(fixed, max_new_tokens=32, min_new_tokens=32)
    return fixed


def prepare_article(dest: Path, words: int = 1000) -> Path:
    parts = [(ROOT / "tests" / "data" / "seed.fr.txt").read_text(encoding="utf-8")]
    parts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "samples").glob("*.fr.*"))]
    text = "\n\n".join(parts)
    kept, count = [], 0
    for paragraph in text.split("\n"):
        if count >= words:
            break
        kept.append(paragraph)
        count += len(paragraph.split())
    dest.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return dest


def time_once(article: Path, model: Path, mode: str, env: dict) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", CHILD, str(article), str(model), mode], check=True, env=env,
                   capture_output=True)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "bench" / "glossary_overhead.json"))
    parser.add_argument("--cache", default=os.path.expanduser("~/.cache/passeur/bench"))
    options = parser.parse_args(argv)
    cache = Path(options.cache)
    model = prepare_model(cache)
    article = prepare_article(cache / "article-1000.fr.txt")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PASSEUR_CACHE": str(cache / "passeur-cache")}
    time_once(article, model, "plain", env)  # converts the model once (cached), warms the disk cache
    times: dict[str, list[float]] = {"plain": [], "guarded": []}
    for _ in range(options.repeats):
        for mode in ("plain", "guarded"):
            times[mode].append(round(time_once(article, model, mode, env), 2))
    plain, guarded = statistics.median(times["plain"]), statistics.median(times["guarded"])
    warmup = cache / "warmup.fr.txt"
    warmup.write_text((ROOT / "samples" / "01_port_de_lorient.fr.txt").read_text(encoding="utf-8"), encoding="utf-8")
    warm = json.loads(subprocess.run([sys.executable, "-c", WARM_CHILD, str(article), str(model), str(warmup),
                                      str(options.repeats)], check=True, env=env, capture_output=True,
                                     text=True).stdout.splitlines()[-1])
    warm_plain, warm_guarded = statistics.median(warm["plain"]), statistics.median(warm["guarded"])
    words = len(article.read_text(encoding="utf-8").split())
    report = {
        "article_words": words, "model": "random opus-mt-fr-en shape, 32 tokens per segment", "backend": "auto",
        "goal": 0.15,
        "warm": {"what": "one process, models loaded once (API, batch, jsonl streams): the glossary work itself",
                 "seconds": warm, "median_plain": warm_plain, "median_guarded": warm_guarded,
                 "overhead": round(warm_guarded / warm_plain - 1, 3)},
        "cold": {"what": "a fresh process per run (one-shot CLI): also imports and loads spaCy",
                 "seconds": times, "median_plain": plain, "median_guarded": guarded,
                 "overhead": round(guarded / plain - 1, 3)},
    }
    Path(options.out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"{words}-word article, median of {options.repeats} (goal: glossary work adds at most 15%)")
    print(f"  warm process: without the guard {warm_plain:.2f} s, with it {warm_guarded:.2f} s: "
          f"+{report['warm']['overhead']:.1%}")
    print(f"  fresh process: without {plain:.2f} s, with {guarded:.2f} s: +{report['cold']['overhead']:.1%} "
          "(spaCy's import and load, once per process, included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
