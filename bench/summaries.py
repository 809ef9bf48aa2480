"""Extractive summary tiers against human references, beside lead baselines of the same length.

For any JSONL of {"id", "article", "reference"}: summarize every article in all three tiers
with passeur's extractive engine, through the public API as a user would (checks and guards
on), score each tier with ROUGE-1/2/L F1 (rouge-score, Porter stemming, x100) against the
reference, and score the lead of the article cut to the same number of words beside it
(for the one-line tier, lead-1 too: the article's first sentence, whatever its length).
Also counts, over the articles, what the tiers must never do: an empty tier, a tier out of
shape, tiers that are not nested, a chosen sentence dropped, a name or figure left
unresolved (what `--strict` exits 3 on).

With --long N, also times `passeur summarize --engine extractive --tier all` (a fresh
process, as a user runs it) on a text of N words made of the file's articles.

Usage: python bench/summaries.py FILE.jsonl [--limit N] [--long 20000] [--details] [--json OUT]
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

METRICS = ("rouge1", "rouge2", "rougeL")
TIERS = ("one_line", "paragraph", "full")


def read_rows(path: Path, limit: int | None = None) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:limit] if limit else rows


def lead_words(article: str, words: int) -> str:
    """The start of the article holding `words` words (counted as passeur counts them)."""
    from passeur.summary.shape import count_words

    pieces, seen = [], 0
    for piece in article.split():
        if seen >= words:
            break
        pieces.append(piece)
        seen += count_words(piece)
    return " ".join(pieces)


def lead_sentence(article: str) -> str:
    from passeur.summary.shape import split_sentences

    sentences = split_sentences(article)
    return sentences[0].text if sentences else article


def passeur_tiers(article: str) -> dict:
    from passeur.api import summarize_text

    result, _ = summarize_text(article, engine="extractive", source_lang="en")
    return {**result.tiers(), "fidelity": result.fidelity.to_json()}


def nested(tiers: dict, article: str) -> bool:
    """one_line within the paragraph; every source sentence of the paragraph within a full tier
    at least as long, whenever the full tier (35% of the source) has room for a paragraph."""
    from passeur.summary.shape import PARAGRAPH_MIN_WORDS, count_words, shape_for, split_sentences

    one, paragraph, full = (tiers.get(t) or "" for t in TIERS)
    if one.rstrip("…").rstrip(".") not in paragraph:
        return False
    if shape_for("full", article).max_words < PARAGRAPH_MIN_WORDS:
        return True
    in_paragraph = [s.text for s in split_sentences(article) if s.text in paragraph]
    return count_words(full) >= count_words(paragraph) and all(s in full for s in in_paragraph)


def evaluate(rows: list[dict], summarize=passeur_tiers) -> dict:
    from rouge_score import rouge_scorer

    from passeur.summary.shape import count_words

    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    table = {t: {"words": [], "lead_words": [], **{m: [] for m in METRICS}, **{"lead_" + m: [] for m in METRICS}}
             for t in TIERS}
    table["one_line"].update({"same_" + m: [] for m in METRICS})  # the one-line beside the lead cut to its length
    faults = {"empty": 0, "out_of_shape": 0, "not_nested": 0, "dropped": 0, "trimmed": 0, "unresolved": 0}
    seconds = []
    for row in rows:
        started = time.perf_counter()
        tiers = summarize(row["article"])
        seconds.append(time.perf_counter() - started)
        fidelity = tiers.get("fidelity", {})
        faults["empty"] += any(not (tiers.get(t) or "").strip() for t in TIERS)
        faults["out_of_shape"] += bool(fidelity.get("shape"))
        faults["not_nested"] += not nested(tiers, row["article"])
        for key in ("dropped", "trimmed", "unresolved"):
            faults[key] += bool(fidelity.get(key))
        for tier in TIERS:
            text = tiers.get(tier) or ""
            words = count_words(text)
            lead = lead_sentence(row["article"]) if tier == "one_line" else lead_words(row["article"], words)
            got, base = scorer.score(row["reference"], text), scorer.score(row["reference"], lead)
            cell = table[tier]
            cell["words"].append(words)
            cell["lead_words"].append(count_words(lead))
            for m in METRICS:
                cell[m].append(got[m].fmeasure * 100)
                cell["lead_" + m].append(base[m].fmeasure * 100)
            if tier == "one_line":
                same = scorer.score(row["reference"], lead_words(row["article"], words))
                for m in METRICS:
                    cell["same_" + m].append(same[m].fmeasure * 100)
    summary = {t: {k: statistics.fmean(v) for k, v in cell.items()} for t, cell in table.items()}
    for tier, base in [(t, "lead_") for t in TIERS] + [("one_line", "same_")]:  # the standard error of the
        diffs = [a - b for a, b in zip(table[tier]["rouge1"], table[tier][base + "rouge1"])]  # mean R1 difference
        key = "delta_rouge1_se" if base == "lead_" else "same_delta_rouge1_se"
        summary[tier][key] = statistics.stdev(diffs) / len(diffs) ** 0.5 if len(diffs) > 1 else 0.0
    summary["faults"] = faults
    summary["seconds"] = {"mean": statistics.fmean(seconds), "max": max(seconds)}
    summary["articles"] = len(rows)
    return summary


def time_long_text(rows: list[dict], words: int) -> dict:
    """Seconds for `passeur summarize --engine extractive --tier all` on a `words`-word text."""
    from passeur.summary.shape import count_words

    parts, total = [], 0
    while total < words:
        for row in rows:
            parts.append(row["article"])
            total += count_words(row["article"])
            if total >= words:
                break
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "long.txt"
        path.write_text("\n\n".join(parts), encoding="utf-8")
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "passeur", "summarize", str(path), "--engine", "extractive",
                               "--tier", "all", "--format", "json"], capture_output=True, text=True,
                              env={**os.environ, "PYTHONUNBUFFERED": "1"})
        seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"passeur summarize failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    tiers = json.loads(done.stdout)
    return {"words": total, "seconds": seconds, "tier_words": {t: count_words(tiers[t] or "") for t in TIERS}}


def one_line_limits(rows: list[dict], summarize=passeur_tiers) -> dict:
    """Where the one-line stands against lead-1 when the first sentence is longer than the
    one-line's 30 words, and where it fits; and, on the first, the best any one-line could do
    within the rules: the whole single sentence of 8-30 words that reads alone, among the text's
    first eight units, that scores highest against the reference (an oracle, knowing it)."""
    from rouge_score import rouge_scorer

    from passeur.summary.selection import _reads_alone, split_units
    from passeur.summary.shape import ONE_LINE_MAX_WORDS, count_words

    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    r1 = lambda reference, text: scorer.score(reference, text)["rouge1"].fmeasure * 100
    fits, longer, oracle = [], [], []
    for row in rows:
        lead = lead_sentence(row["article"])
        base = r1(row["reference"], lead)
        delta = r1(row["reference"], summarize(row["article"])["one_line"] or "") - base
        if count_words(lead) <= ONE_LINE_MAX_WORDS:
            fits.append(delta)
            continue
        longer.append(delta)
        units = [u for u in split_units(row["article"]) if not u.caption][:8]
        candidates = [u.text for u in units if u.sentences == 1 and 8 <= u.words <= ONE_LINE_MAX_WORDS
                      and _reads_alone(u.text)]
        if candidates:
            oracle.append(max(r1(row["reference"], text) for text in candidates) - base)
    mean = lambda values: statistics.fmean(values) if values else 0.0
    return {"fits": len(fits), "fits_delta": mean(fits), "longer": len(longer), "longer_delta": mean(longer),
            "oracle_articles": len(oracle), "oracle_delta": mean(oracle)}


def format_table(summary: dict) -> str:
    lines = ["| tier | words | R1 | R2 | RL | lead baseline | words | R1 | R2 | RL | ΔR1 (± s.e.) |",
             "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
    rows = [(t, "lead_", "lead-1 (first sentence)" if t == "one_line" else "lead, same word count") for t in TIERS]
    rows.insert(1, ("one_line", "same_", "lead, same word count"))
    for tier, key, base in rows:
        s = summary[tier]
        words = s["lead_words"] if key == "lead_" else s["words"]
        se = s["delta_rouge1_se" if key == "lead_" else "same_delta_rouge1_se"]
        lines.append(f"| {tier.replace('_', '-')} | {s['words']:.0f} | {s['rouge1']:.1f} | {s['rouge2']:.1f} | "
                     f"{s['rougeL']:.1f} | {base} | {words:.0f} | {s[key + 'rouge1']:.1f} | "
                     f"{s[key + 'rouge2']:.1f} | {s[key + 'rougeL']:.1f} | "
                     f"{s['rouge1'] - s[key + 'rouge1']:+.1f} (± {se:.1f}) |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("jsonl", type=Path, help="one {id, article, reference} object a line")
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--long", type=int, metavar="WORDS", help="also time a text of this many words")
    parser.add_argument("--json", type=Path, help="write the numbers to this file as well")
    parser.add_argument("--details", action="store_true",
                        help="also the one-line against lead-1 where the first sentence is over 30 words, and an oracle")
    args = parser.parse_args(argv)
    rows = read_rows(args.jsonl, args.limit)
    summary = evaluate(rows)
    print(f"{args.jsonl.name}: {summary['articles']} articles; ROUGE F1 x100 (rouge-score, stemming); "
          f"{summary['seconds']['mean']:.2f} s an article, all tiers, checks included")
    print(format_table(summary))
    faults = summary["faults"]
    print("articles with " + ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in faults.items()))
    if args.details:
        limits = summary["one_line_limits"] = one_line_limits(rows)
        print(f"one-line vs lead-1: first sentence over 30 words in {limits['longer']} articles, "
              f"ΔR1 {limits['longer_delta']:+.1f} there (the best sentence within the rules, an oracle: "
              f"{limits['oracle_delta']:+.1f} on {limits['oracle_articles']}); "
              f"ΔR1 {limits['fits_delta']:+.1f} on the {limits['fits']} where it fits")
    if args.long:
        summary["long"] = time_long_text(rows, args.long)
        long = summary["long"]
        print(f"{long['words']:,} words, all tiers (passeur summarize, a fresh process): {long['seconds']:.1f} s; "
              f"tier words {long['tier_words']}")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
