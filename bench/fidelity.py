"""Fidelity on real translations: how often `passeur check` cries wolf, and whether it catches
what it must.

    python bench/fidelity.py FR_FILE EN_FILE [--limit N] [--seed S] [--show KIND] [--json OUT]

FR_FILE and EN_FILE are aligned line by line (line N of EN_FILE translates line N of FR_FILE),
professional translations, taken as correct. Printed, per 100 sentence pairs:

* sentences with an error (an issue of severity "error"), and with a figure error;
* sentences that `--fix` would change (every pair is a correct translation: each change is damage);
* for errors injected into the pairs that check clean (one digit of a figure changed, million
  <-> billion swapped, a percentage +-1, a figure dropped, a person name of 5+ letters misspelt
  by one letter): the share caught as an error, and for the changed values and the misspelt
  names the share that `--fix` restores to the exact original text.

It runs what `passeur check` runs: the French side's glossary (`extract_glossary`), then the
checker on the English side with the French text as the source.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path


def _api():
    """What `passeur check` runs: the French side's glossary, the checker, the fix."""
    from passeur.fidelity.checker import check, fix
    from passeur.fidelity.figures.en import find_figures
    from passeur.fidelity.glossary import extract_glossary

    return check, fix, extract_glossary, find_figures


def number_words(path: Path) -> tuple[int, int]:
    """(read right, cases) for text2num's own French alpha2digit sentence cases (default
    options): passeur's reading of each source gives the expected values."""
    from passeur.fidelity.figures.spelled import convert

    def values(text):
        return [Decimal(v.replace(",", ".")) for v in re.findall(r"[+-]?\d+(?:,\d+)?", text)]

    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    cases = [c for c in cases if not c["options"]]
    right = sum(values(convert(c["source"], "fr").text) == values(c["expected"]) for c in cases)
    return right, len(cases)


INJECTIONS = ("digit", "scale", "percent", "drop", "name")
RESTORABLE = ("digit", "scale", "percent", "name")


def _figure_spans(text: str, find_figures) -> list:
    return [m for m in find_figures(text) if not m.extra.get("spelled")]


def _digit(text, mentions, rng):
    choices = [(m, i) for m in mentions if m.kind in ("money", "number", "percent", "quantity")
               for i in range(m.start, m.end) if text[i].isdigit()]
    if not choices:
        return None
    mention, i = rng.choice(choices)
    old = int(text[i])
    new = rng.choice([d for d in range(10) if d != old and not (d == 0 and i == mention.start)])
    return text[:i] + str(new) + text[i + 1:]


_SCALE_WORD = re.compile(r"\b(million|billion)\b")


def _scale(text, mentions, rng):
    choices = [m for m in mentions for w in _SCALE_WORD.finditer(text, m.start, m.end)]
    if not choices:
        return None
    mention = rng.choice(choices)
    word = _SCALE_WORD.search(text, mention.start, mention.end)
    other = "billion" if word.group(1) == "million" else "million"
    return text[:word.start()] + other + text[word.end():]


_NUMERAL = re.compile(r"\d+(?:\.\d+)?")


def _percent(text, mentions, rng):
    choices = [m for m in mentions if m.kind == "percent" and m.value and m.value[0] == "percent"]
    if not choices:
        return None
    mention = rng.choice(choices)
    numeral = _NUMERAL.search(text, mention.start, mention.end)
    if numeral is None:
        return None
    value = Decimal(numeral.group())
    value = value + 1 if value < 1 or rng.random() < 0.5 else value - 1
    return text[:numeral.start()] + str(value) + text[numeral.end():]


def _drop(text, mentions, rng):
    if not mentions:
        return None
    mention = rng.choice(mentions)
    before, after = text[:mention.start].rstrip(" "), text[mention.end:].lstrip(" ")
    return before + (" " if before and after and after[0].isalnum() else "") + after


def _name(text, entries, rng):
    words = []
    for entry in entries:
        if entry.kind != "person":
            continue
        for m in re.finditer(rf"(?<!\w){re.escape(entry.target)}(?!\w)", text):
            for w in re.finditer(r"[^\W\d_]{5,}", text[m.start():m.end()]):
                words.append((m.start() + w.start(), m.start() + w.end()))
    if not words:
        return None
    start, end = rng.choice(words)
    i = rng.randrange(start + 1, end)
    old = text[i]
    letters = "aeiou" if old.lower() in "aeiou" else "bcdfghklmnprstvz"
    new = rng.choice([c for c in letters if c != old.lower()])
    return text[:i] + (new.upper() if old.isupper() else new) + text[i + 1:]


def measure(fr_lines, en_lines, *, seed=0, show=None, out=sys.stdout):
    check, fix, extract_glossary, find_figures = _api()
    from passeur.fidelity.entry import FIGURE_KINDS
    n = len(fr_lines)
    counts = Counter()
    caught, restored, tried = Counter(), Counter(), Counter()
    causes = Counter()
    examples = defaultdict(list)
    started = time.perf_counter()
    for line, (fr, en) in enumerate(zip(fr_lines, en_lines), 1):
        entries = extract_glossary(fr)
        result = check(entries, en, source_text=fr)
        errs = result.errors
        if errs:
            counts["error"] += 1
        if any(i.kind in FIGURE_KINDS for i in errs):
            counts["figure_error"] += 1
        if result.issues:
            counts["any_issue"] += 1
        for issue in result.issues:
            causes[(issue.severity, issue.status, issue.kind)] += 1
            if show and (show == "all" or show == issue.kind or show == issue.severity):
                print(f"{line}\t{issue.severity}\t{issue.status}\t{issue.kind}\t{issue.source!r}"
                      f"\t{issue.expected!r}\t{issue.found!r}\n\tFR: {fr}\n\tEN: {en}", file=out)
        fixed = fix(en, result)
        if fixed != en:
            counts["fix_changed"] += 1
            examples["fix"].append((line, en, fixed))
        if errs:
            continue
        rng = random.Random(seed * 1_000_003 + line)
        mentions = _figure_spans(en, find_figures)
        for kind in INJECTIONS:
            bad = (_name(en, entries, rng) if kind == "name"
                   else globals()["_" + kind](en, mentions, rng))
            if bad is None or bad == en:
                continue
            tried[kind] += 1
            res = check(entries, bad, source_text=fr)
            if res.errors:
                caught[kind] += 1
            else:
                examples["miss_" + kind].append((line, en, bad))
            if kind in RESTORABLE:
                if fix(bad, res) == en:
                    restored[kind] += 1
                else:
                    examples["norestore_" + kind].append((line, en, bad, fix(bad, res)))
    seconds = time.perf_counter() - started
    per100 = lambda k: 100 * counts[k] / n if n else 0.0  # noqa: E731
    report = {
        "pairs": n, "seconds": round(seconds, 1),
        "error_per_100": round(per100("error"), 2),
        "figure_error_per_100": round(per100("figure_error"), 2),
        "any_issue_per_100": round(per100("any_issue"), 2),
        "fix_changes_per_100": round(per100("fix_changed"), 2),
        "injected": {k: {"tried": tried[k],
                         "caught_pct": round(100 * caught[k] / tried[k], 1) if tried[k] else None,
                         **({"restored_pct": round(100 * restored[k] / tried[k], 1)
                             if tried[k] else None} if k in RESTORABLE else {})}
                     for k in INJECTIONS},
        "causes": {" ".join(k): v for k, v in causes.most_common()},
    }
    return report, examples


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("fr")
    parser.add_argument("en")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pairs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", help="print each issue of this kind or severity (or 'all')")
    parser.add_argument("--examples", help="print the examples of this group (fix, miss_digit, ...)")
    parser.add_argument("--json", help="also write the numbers to this JSON file")
    args = parser.parse_args(argv)
    fr = Path(args.fr).read_text(encoding="utf-8").splitlines()
    en = Path(args.en).read_text(encoding="utf-8").splitlines()
    if len(fr) != len(en):
        parser.error(f"{args.fr} has {len(fr)} lines, {args.en} {len(en)}: not aligned")
    if args.limit:
        fr, en = fr[:args.limit], en[:args.limit]
    report, examples = measure(fr, en, seed=args.seed, show=args.show)
    if args.examples:
        for item in examples.get(args.examples, []):
            print(*item, sep="\n\t", end="\n\n")
    print(f"{args.en}: {report['pairs']} pairs in {report['seconds']} s")
    print(f"  sentences with an error      {report['error_per_100']:6.2f} / 100")
    print(f"  sentences with a figure error {report['figure_error_per_100']:5.2f} / 100")
    print(f"  sentences with any issue     {report['any_issue_per_100']:6.2f} / 100")
    print(f"  --fix changes a correct text {report['fix_changes_per_100']:6.2f} / 100")
    for kind, row in report["injected"].items():
        restored = f", fix restores {row['restored_pct']}%" if "restored_pct" in row else ""
        print(f"  injected {kind:8s} {row['tried']:5d} tried, caught {row['caught_pct']}%{restored}")
    print("  causes: " + "; ".join(f"{k}: {v}" for k, v in list(report["causes"].items())[:12]))
    cases = Path(__file__).resolve().parent.parent / "tests" / "data" / "text2num_fr_alpha2digit.jsonl"
    if cases.exists():
        right, total = number_words(cases)
        report["french_number_words"] = {"right": right, "cases": total}
        print(f"  French number words (text2num's alpha2digit cases) read right: {right}/{total}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
