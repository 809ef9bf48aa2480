"""The summarizer's guards, shown with a scripted engine and a scripted checker.

The engine answers with planned faults (three sentences for a one-line request, an invented
"$12 billion", a misspelt name, 180 words for a paragraph); each test shows the fault caught
and repaired, regenerated, dropped or reported exactly as DESIGN.md says.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import given, settings, strategies as st

from passeur.summary import summarizer as summarizer_module
from passeur.fidelity.entry import Entry
from passeur.errors import PasseurError, UsageError
from passeur.summary.prompts import load_prompts
from passeur.summary.summarizer import chunk_text, summarize
from passeur.summary.checks import FidelityIssue, normalize_issues
from passeur.summary.engine import SummaryEngine, SummaryRequest
from passeur.summary.shape import check_shape, count_words, split_sections, split_sentences, trim_to_shape

SAMPLE = (Path(__file__).parent / "data" / "summary_sample.en.txt").read_text(encoding="utf-8")
PROMPTS = load_prompts(environ={})
GLOSSARY = [Entry("organization", "Lumora", "Lumora"), Entry("money", "€2.4 billion", "€2.4 billion"),
            Entry("person", "Maarten Keizer", "Maarten Keizer"), Entry("person", "Sofie van Dalen", "Sofie van Dalen")]

ONE_LINE = "Lumora has won a €2.4 billion contract to build a floating solar farm on the Markermeer lake."
PARAGRAPH = (
    "The Dutch energy company Lumora has won a €2.4 billion contract to build Blue Mirror, a floating solar farm "
    "on the Markermeer lake that should supply about 620,000 homes from 2029. The state will pay 40% of the cost, "
    "and chief executive Maarten Keizer expects about 900 jobs during construction. Bird protection groups and "
    "local fishermen are worried about the protected lake, and Lumora has promised to leave 30% of the area free. "
    "Parliament must still approve the contract before the summer recess."
)
FULL = "\n\n".join([
    "Lumora has won a €2.4 billion contract for the Blue Mirror floating solar farm on the Markermeer, due in 2029.",
    "The lake was chosen to spare farmland, and the panels float on anchored blocks.",
    "The state pays 40% through a climate fund; Maarten Keizer expects about 900 jobs, while analysts doubt the cost.",
    "Bird groups and eel fishermen worry about the protected lake; Lumora will leave 30% of the area free.",
    "Parliament still has to approve the contract; building would start in spring 2026 near Lelystad.",
])
GOOD = {"one_line": ONE_LINE, "paragraph": PARAGRAPH, "full": FULL}


class ScriptedSummaryEngine(SummaryEngine):
    """Answers from `script(request)`; records every request. Tokens are words."""

    kind = "scripted"

    def __init__(self, script: Callable[[SummaryRequest], str], *, budget: int | None = None, context: int = 100_000):
        super().__init__()
        self.script, self.budget, self.context, self.requests = script, budget, context, []

    def generate(self, request: SummaryRequest) -> str:
        self.requests.append(request)
        return self.script(request)

    def context_tokens(self) -> int:
        return self.context

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def text_budget(self, messages, max_new_tokens):
        return self.budget if self.budget is not None else super().text_budget(messages, max_new_tokens)

    def for_tier(self, tier: str) -> list[SummaryRequest]:
        return [r for r in self.requests if r.tier == tier]


class ScriptedChecker:
    """Flags money not in `figures`, names in `invented` (unexpected) and in `misspelt` (altered)."""

    def __init__(self, figures=("€2.4 billion", "40%", "30%"), invented=(), misspelt=None):
        self.figures, self.invented, self.misspelt = set(figures), tuple(invented), dict(misspelt or {})
        self.calls = 0

    def __call__(self, text: str) -> list[dict]:
        self.calls += 1
        issues = []
        for m in re.finditer(r"[$€]\d[\d.,]*(?: (?:billion|million))?", text):
            if m.group() not in self.figures:
                issues.append({"status": "unexpected", "kind": "money", "found": m.group(), "expected": None,
                               "start": m.start(), "end": m.end()})
        for name in self.invented:
            for m in re.finditer(re.escape(name), text):
                issues.append({"status": "unexpected", "kind": "person", "found": name, "expected": None,
                               "start": m.start(), "end": m.end()})
        for wrong, right in self.misspelt.items():
            for m in re.finditer(re.escape(wrong), text):
                issues.append({"status": "altered", "kind": "person", "found": wrong, "expected": right,
                               "start": m.start(), "end": m.end()})
        return issues


def run(script, *, checker=None, tiers=("one_line", "paragraph", "full"), budget=None):
    engine = ScriptedSummaryEngine(script, budget=budget)
    result = summarize(SAMPLE, tiers=tiers, engine=engine, prompts=PROMPTS, glossary_entries=GLOSSARY,
                       checker=checker or ScriptedChecker())
    return result, engine


def planned(faults: dict) -> Callable[[SummaryRequest], str]:
    """Good answers except for (tier, attempt) pairs in `faults`."""
    return lambda r: faults.get((r.tier, r.attempt), GOOD[r.tier])


def test_good_answers_pass_untouched():
    result, engine = run(planned({}))
    assert (result.one_line, result.paragraph, result.full) == (ONE_LINE, PARAGRAPH, FULL)
    assert len(engine.requests) == 3 and all(r.attempt == 0 for r in engine.requests)
    fidelity = result.to_json()["fidelity"]
    assert fidelity["ok"] and fidelity["checked"]
    assert not any(fidelity[k] for k in ("repaired", "dropped", "regenerated", "trimmed", "unresolved", "shape"))


def test_prompt_carries_text_glossary_and_shape():
    _, engine = run(planned({}))
    one_line = engine.for_tier("one_line")[0].messages[-1]["content"]
    assert SAMPLE.strip()[:200] in one_line
    assert "- €2.4 billion" in one_line and "- Maarten Keizer" in one_line and "at most 30 words" in one_line
    full = engine.for_tier("full")[0].messages[-1]["content"]
    assert "2. A bet on water instead of farmland" in full and "5. What happens next" in full


def test_three_sentences_for_one_line_regenerated_then_trimmed():
    three = "Lumora won a €2.4 billion contract. The farm floats on a lake. Parliament must approve it."
    two = "Lumora won a €2.4 billion contract for a floating farm. Parliament must approve it."
    result, engine = run(planned({("one_line", 0): three, ("one_line", 1): two}))
    first, second = engine.for_tier("one_line")
    assert second.attempt == 1
    assert "rejected (3 sentences where one is wanted)" in second.messages[-1]["content"]
    assert result.one_line == "Lumora won a €2.4 billion contract for a floating farm."
    fidelity = result.fidelity
    assert fidelity.regenerated == [{"tier": "one_line", "reasons": ["3 sentences where one is wanted"],
                                     "kept": "second"}]
    assert fidelity.trimmed == [{"tier": "one_line", "words_before": 14, "words_after": 10}]
    assert fidelity.shape == [] and fidelity.ok


def test_invented_figure_is_regenerated_away():
    invented = PARAGRAPH.replace("about 900 jobs", "about 900 jobs and a $12 billion budget")
    result, engine = run(planned({("paragraph", 0): invented}))
    retry = engine.for_tier("paragraph")[1]
    assert retry.avoid == ("$12 billion",)
    assert "'$12 billion', which the text does not support" in retry.messages[-1]["content"]
    assert result.paragraph == PARAGRAPH
    assert result.fidelity.regenerated[0]["tier"] == "paragraph" and result.fidelity.dropped == []


def test_invented_figure_that_survives_regeneration_drops_its_sentence():
    invented = PARAGRAPH.replace("Parliament must", "Analysts expect $12 billion in sales. Parliament must")
    result, _ = run(planned({("paragraph", 0): invented, ("paragraph", 1): invented}))
    assert "$12 billion" not in result.paragraph
    assert result.paragraph == PARAGRAPH
    assert result.fidelity.dropped == [{"tier": "paragraph", "kind": "money", "found": "$12 billion",
                                        "sentence": "Analysts expect $12 billion in sales."}]
    assert result.fidelity.ok  # dropped is handled, not unresolved


def test_misspelt_name_is_repaired_in_place():
    misspelt = PARAGRAPH.replace("Maarten Keizer", "Maarten Keyzer")
    checker = ScriptedChecker(misspelt={"Maarten Keyzer": "Maarten Keizer"})
    result, engine = run(planned({("paragraph", 0): misspelt}), checker=checker)
    assert result.paragraph == PARAGRAPH
    assert result.fidelity.repaired == [{"tier": "paragraph", "kind": "person", "found": "Maarten Keyzer",
                                         "expected": "Maarten Keizer"}]
    assert len(engine.for_tier("paragraph")) == 1  # repairable: no need to ask again


def test_paragraph_over_150_words_regenerated_then_trimmed():
    long = PARAGRAPH + " " + " ".join(f"Sentence {i} adds detail about the lake and the farm." for i in range(12))
    assert count_words(long) > 150
    result, engine = run(planned({("paragraph", 0): long, ("paragraph", 1): long}))
    assert len(engine.for_tier("paragraph")) == 2
    assert "more than 150" in result.fidelity.regenerated[0]["reasons"][0]
    assert 60 <= count_words(result.paragraph) <= 150 and "\n" not in result.paragraph
    assert result.paragraph.startswith(PARAGRAPH)
    assert result.fidelity.trimmed[0]["tier"] == "paragraph"
    assert check_shape("paragraph", result.paragraph, SAMPLE) == []


def test_invented_name_in_the_only_sentence_falls_back_to_extractive():
    bad = "Lumora and its partner Marc Duval won a €2.4 billion contract."
    checker = ScriptedChecker(invented=("Marc Duval",))
    result, _ = run(planned({("one_line", 0): bad, ("one_line", 1): bad}), checker=checker, tiers=("one-line",))
    assert "Marc Duval" not in result.one_line
    assert result.one_line.startswith("The Dutch energy company Lumora has won")
    assert [d["found"] for d in result.fidelity.dropped] == ["Marc Duval"]
    assert result.fidelity.regenerated[-1]["kept"] == "extractive"
    assert result.paragraph is None and result.full is None


def test_what_cannot_be_fixed_is_unresolved_and_in_json():
    def stubborn(text):
        return [{"status": "unexpected", "kind": "money", "found": "somewhere", "expected": None}]

    result, _ = run(planned({}), checker=stubborn, tiers=("one_line",))
    data = result.to_json()
    assert list(data) == ["one_line", "paragraph", "full", "fidelity"]
    assert data["paragraph"] is None
    assert data["fidelity"]["ok"] is False
    assert data["fidelity"]["unresolved"][0] == {"tier": "one_line", "status": "unexpected", "kind": "money",
                                                 "found": "somewhere", "expected": None}
    assert result.unresolved


def test_model_output_without_a_checker_is_reported_unchecked(monkeypatch):
    monkeypatch.setattr(summarizer_module, "default_checker", lambda entries, text: None)
    engine = ScriptedSummaryEngine(planned({}))
    result = summarize(SAMPLE, tiers=["paragraph"], engine=engine, prompts=PROMPTS)
    assert result.fidelity.checked is False
    assert result.unresolved == [{"tier": "paragraph", "status": "unchecked", "kind": "", "found": "",
                                  "expected": None}]


def test_long_input_is_chunked_with_overlap_and_combined():
    def script(request):
        content = request.messages[-1]["content"]
        if "Summaries of the parts" in content:
            return GOOD[request.tier]
        return "Part summary: " + split_sentences(request.text)[0].text.rstrip(".") + "."

    result, engine = run(script, budget=250)
    maps = [r for r in engine.requests if "Summaries of the parts" not in r.messages[-1]["content"]]
    combines = [r for r in engine.requests if "Summaries of the parts" in r.messages[-1]["content"]]
    assert len(maps) >= 3 and all(r.tier == "full" for r in maps)  # computed once, shared by the tiers
    assert [r.tier for r in combines] == ["one_line", "paragraph", "full"]
    for chunk in (r.text for r in maps):
        assert len(chunk.split()) <= 250
    for sentence in split_sentences(SAMPLE):  # nothing left out
        assert any(sentence.text in r.text for r in maps)
    assert any(split_sentences(a.text)[-1].text in b.text for a, b in zip(maps, maps[1:]))  # overlap
    for chunk in (r.text for r in maps):
        assert split_sentences(chunk)[0].text.rstrip(".") in combines[0].text
    assert (result.one_line, result.paragraph, result.full) == (ONE_LINE, PARAGRAPH, FULL)


def test_a_long_article_fits_a_small_context_at_every_step():
    long_text = "\n".join(f"Part {n}\n" + SAMPLE.split("\n", 1)[1] for n in range(12))  # about 8,400 words

    def script(request):
        if "Summaries of the parts" in request.messages[-1]["content"]:
            return GOOD.get(request.tier, "Combined.")
        return "Part summary: " + split_sentences(request.text)[1].text

    engine = ScriptedSummaryEngine(script, context=2048)
    result = summarize(long_text, engine=engine, prompts=PROMPTS, checker=lambda text: [])
    for request in engine.requests:
        prompt = sum(engine.count_tokens(m["content"]) + 8 for m in request.messages)
        assert prompt + request.max_new_tokens <= 2048
    assert len([r for r in engine.requests if r.text in long_text]) >= 8  # the chunks
    assert result.one_line == ONE_LINE and result.full == FULL


def test_progress_is_reported_after_each_tier():
    calls = []
    engine = ScriptedSummaryEngine(planned({}))
    summarize(SAMPLE, tiers=["full", "one-line"], engine=engine, prompts=PROMPTS, checker=lambda t: [],
              on_progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)]
    assert [r.tier for r in engine.requests] == ["one_line", "full"]  # always in tier order


def test_unknown_tier_is_a_usage_error():
    with pytest.raises(UsageError, match="choose one-line, paragraph or full"):
        run(planned({}), tiers=["headline"])


def test_too_small_a_context_is_an_error_not_a_truncation():
    with pytest.raises(PasseurError, match="too small"):
        run(planned({}), budget=5)


def test_normalize_issues_accepts_objects_spans_and_check_results():
    class Issue:
        status, kind, found, expected, span = "altered", "money", "$97.5 billion", "$97.4 billion", (3, 16)

    class Result:
        issues = [Issue(), {"status": "missing", "kind": "person", "found": None}]

    assert normalize_issues(Result()) == [FidelityIssue("altered", "money", "$97.5 billion", "$97.4 billion", 3, 16)]


# -- chunking ------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=40),
       st.integers(min_value=16, max_value=80))
def test_chunks_fit_and_cover_everything(lengths, budget):
    text = " ".join(" ".join(f"w{i}x{j}" for j in range(n)) + "." for i, n in enumerate(lengths))
    chunks = chunk_text(text, budget, lambda s: len(s.split()))
    assert all(len(c.split()) <= budget for c in chunks)
    covered = set(" ".join(chunks).split())
    assert covered == set(text.split())


# -- shapes --------------------------------------------------------------------------------------
def test_sample_sections_found():
    sections = split_sections(SAMPLE)
    assert [s.heading for s in sections][1:] == ["A bet on water instead of farmland", "Money and jobs",
                                                 "Concerns for birds and fishermen", "What happens next"]


def test_one_line_trim_cuts_at_a_clause_never_inside_one():
    long = ("Lumora has won a €2.4 billion contract to build a floating solar farm on the Markermeer lake, "
            "the Dutch government announced on Tuesday after a tender that lasted eighteen months and drew four bids.")
    assert count_words(long) > 30
    trimmed = trim_to_shape("one_line", long, SAMPLE)
    assert trimmed == "Lumora has won a €2.4 billion contract to build a floating solar farm on the Markermeer lake."
    no_clause = " ".join(["word"] * 40) + "."
    assert "40 words, more than 30" in check_shape("one_line", no_clause, SAMPLE)
    assert trim_to_shape("one_line", no_clause, SAMPLE) == " ".join(["word"] * 30) + "…"  # last resort


def test_word_cut_never_separates_a_number_from_its_unit():
    text = " ".join(["word"] * 28) + " for €2.4 billion in 2029 from Lumora."
    cut = trim_to_shape("one_line", text, SAMPLE)
    assert cut == " ".join(["word"] * 28) + " for…"
    assert trim_to_shape("one_line", " ".join(["w"] * 28) + " up 12 % today and more.", SAMPLE).endswith("w up…")


def test_full_shape_needs_every_section_and_at_most_35_percent():
    assert check_shape("full", FULL, SAMPLE) == []
    missing = FULL.rsplit("\n\n", 1)[0]
    assert check_shape("full", missing, SAMPLE) == ["does not cover 'What happens next'"]
    too_long = FULL + "\n\n" + " ".join(SAMPLE.split()[:250])
    assert any("more than 245" in p for p in check_shape("full", too_long, SAMPLE))


# -- with passeur's own checker ------------------------------------------------------------------
def test_real_checker_catches_invented_altered_and_misspelt():
    pytest.importorskip("passeur.fidelity.checker")
    bad = ("Lumora chief Maarten Keyzer expects $12 billion in sales. Lumora won a €2.5 billion contract "
           "to build a floating solar farm on the Markermeer lake, with the state paying 40% of the cost.")
    engine = ScriptedSummaryEngine(lambda r: bad if r.attempt == 0 else bad.replace("$12 billion", "$13 billion"))
    result = summarize(SAMPLE, tiers=["paragraph"], engine=engine, prompts=PROMPTS, glossary_entries=GLOSSARY)
    fidelity = result.fidelity
    assert fidelity.checked and fidelity.ok
    assert "it mentions '$12 billion', which the text does not support" in fidelity.regenerated[0]["reasons"]
    assert "$12 billion" in engine.requests[1].avoid
    assert [d["found"] for d in fidelity.dropped] == ["$13 billion"]
    assert fidelity.dropped[0]["sentence"] == "Lumora chief Maarten Keizer expects $13 billion in sales."
    assert {(r["found"], r["expected"]) for r in fidelity.repaired} == {("€2.5 billion", "€2.4 billion"),
                                                                        ("Maarten Keyzer", "Maarten Keizer")}
    assert result.paragraph.startswith("Lumora won a €2.4 billion contract") and "$1" not in result.paragraph


def test_a_far_off_figure_is_never_repaired_into_another_sentence():
    pytest.importorskip("passeur.fidelity.checker")
    text = "Lumora won a €2.4 billion contract. It expects $12 billion in sales."
    engine = ScriptedSummaryEngine(lambda r: text)
    result = summarize(SAMPLE, tiers=["one_line"], engine=engine, prompts=PROMPTS, glossary_entries=GLOSSARY)
    assert result.one_line == "Lumora won a €2.4 billion contract."
    assert not result.fidelity.repaired  # "$12 billion" pairs with "€2.4 billion" in the checker: no slip
    assert [d["found"] for d in result.fidelity.dropped] == ["$12 billion"]


def test_real_checker_repairs_a_misspelt_name_and_keeps_supported_figures():
    pytest.importorskip("passeur.fidelity.checker")
    text = ("Lumora won a €2.4 billion contract, and chief executive Maarten Keyzer expects about 900 jobs "
            "over eighteen months.")
    engine = ScriptedSummaryEngine(lambda r: text)
    result = summarize(SAMPLE, tiers=["one_line"], engine=engine, prompts=PROMPTS, glossary_entries=GLOSSARY)
    assert result.one_line == text.replace("Keyzer", "Keizer")
    assert result.fidelity.repaired == [{"tier": "one_line", "kind": "person", "found": "Maarten Keyzer",
                                         "expected": "Maarten Keizer"}]
    assert not result.fidelity.regenerated and not result.fidelity.dropped
