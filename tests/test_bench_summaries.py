"""bench/summaries.py runs end to end on the news excerpts and prints its table (ROUGE values are
the benchmark's business, not the tests')."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

pytest.importorskip("rouge_score")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import summaries as bench  # noqa: E402  (bench/ is not a package: it runs as a user would)

NEWS = Path(__file__).parent / "data" / "news_excerpts.jsonl"


def test_summaries_bench_prints_the_table_and_counts_no_faults(tmp_path, capsys):
    out = tmp_path / "summaries.json"
    assert bench.main([str(NEWS), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "| one-line |" in printed and "| paragraph |" in printed and "| full |" in printed
    assert "lead-1 (first sentence)" in printed and "lead, same word count" in printed
    assert printed.count("| one-line |") == 2  # beside lead-1, and beside the lead cut to its length
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["articles"] == 5
    assert report["faults"] == {"empty": 0, "out_of_shape": 0, "not_nested": 0, "dropped": 0, "trimmed": 0,
                                "unresolved": 0}
    for tier in ("one_line", "paragraph", "full"):
        row = report[tier]
        assert 0 < row["rouge1"] <= 100 and 0 < row["lead_rouge1"] <= 100
        assert abs(row["words"] - row["lead_words"]) <= 1 or tier == "one_line"  # same length, whole words
    assert 0 < report["one_line"]["same_rouge1"] <= 100


def test_lead_baseline_counts_words_as_passeur_does():
    article = "Rain – heavy rain – fell on Leeds on Monday. Roads closed."
    assert bench.lead_words(article, 4) == "Rain – heavy rain – fell"  # dashes are no words
    assert bench.lead_sentence(article) == "Rain – heavy rain – fell on Leeds on Monday."


def test_details_print_where_the_first_sentence_is_too_long(capsys):
    assert bench.main([str(NEWS), "--details"]) == 0
    line = capsys.readouterr().out.splitlines()[-1]
    assert line.startswith("one-line vs lead-1: first sentence over 30 words in ") and "oracle" in line
    limits = bench.one_line_limits(bench.read_rows(NEWS))
    assert limits["fits"] + limits["longer"] == 5 and limits["oracle_articles"] <= limits["longer"]
