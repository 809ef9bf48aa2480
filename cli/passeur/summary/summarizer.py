"""Tiered summaries of an English text: prompt, generate, check, repair, shape.

For each tier: render its prompt, ask the engine (long texts are chunked with overlap,
each chunk summarized, the chunk summaries combined), then

1. out of shape, or holding a name or figure the source does not support: ask once more
   with a firmer prompt, and keep the better answer;
2. altered names and figures are repaired to their exact form; a sentence holding an
   unsupported one is dropped; whatever cannot be fixed is recorded as unresolved;
3. what is still too long is trimmed; what is still out of shape is reported.

Everything done is recorded in the result's fidelity section (`--strict` exits 3 when
`unresolved` is not empty).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from passeur.errors import PasseurError
from passeur.summary.checks import (Checker, FidelityIssue, default_checker, drop_supported, find_issues,
                                    make_checker)
from passeur.summary.engine import SummaryEngine, SummaryRequest
from passeur.summary.extractive import ExtractiveEngine
from passeur.summary.prompts import PromptSet, format_glossary, load_prompts
from passeur.summary.shape import (SENTENCE_END, TIERS, Shape, Span, check_shape, count_words, drop_spans,
                                   normalize_tier, shape_for, split_sections, split_sentences, tidy, trim_to_shape)

__all__ = ["Fidelity", "SummaryResult", "chunk_text", "describe_sections", "make_checker", "summarize"]
_MAX_COMBINE_ROUNDS = 6


@dataclass
class Fidelity:
    """What the guards did to the summaries; `unresolved` is what --strict fails on."""

    checked: bool = False
    repaired: list[dict] = field(default_factory=list)
    dropped: list[dict] = field(default_factory=list)
    regenerated: list[dict] = field(default_factory=list)
    trimmed: list[dict] = field(default_factory=list)
    unresolved: list[dict] = field(default_factory=list)
    shape: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unresolved

    def to_json(self) -> dict:
        return {"ok": self.ok, "checked": self.checked, "repaired": self.repaired, "dropped": self.dropped,
                "regenerated": self.regenerated, "trimmed": self.trimmed, "unresolved": self.unresolved,
                "shape": self.shape}


@dataclass
class SummaryResult:
    one_line: str | None = None
    paragraph: str | None = None
    full: str | None = None
    fidelity: Fidelity = field(default_factory=Fidelity)

    @property
    def unresolved(self) -> list[dict]:
        return self.fidelity.unresolved

    def tiers(self) -> dict[str, str]:
        """The tiers that were produced, in order."""
        return {t: getattr(self, t) for t in TIERS if getattr(self, t) is not None}

    def to_json(self) -> dict:
        return {"one_line": self.one_line, "paragraph": self.paragraph, "full": self.full,
                "fidelity": self.fidelity.to_json()}


def summarize(text_en: str, *, tiers: Sequence[str] = TIERS, engine: SummaryEngine, prompts: PromptSet | None = None,
              glossary_entries: Sequence[Any] = (), checker: Checker | None = None,
              source_entries: Sequence[Any] | None = None,
              on_progress: Callable[[int, int], None] | None = None) -> SummaryResult:
    """Summarize `text_en` in each of `tiers`; see the module docstring for the guarantees.

    `glossary_entries` are shown to the model as the exact forms to use. `checker(text)` returns
    the issues of a summary; when None, passeur's checker is bound to `source_entries` (default:
    the glossary) and to `text_en` itself (its names and figures support a summary too).
    `on_progress(done, total)` is called after each tier.
    """
    wanted = [normalize_tier(t) for t in tiers]
    if not text_en.strip():
        raise PasseurError("nothing to summarize: the text is empty")
    if checker is None:
        checker = default_checker(source_entries if source_entries is not None else glossary_entries, text_en)
    job = _Job(text_en, engine, prompts or load_prompts(), list(glossary_entries), checker)
    result = SummaryResult(fidelity=job.fidelity)
    job.fidelity.checked = job.checker is not None
    todo = [tier for tier in TIERS if tier in wanted]
    for done, tier in enumerate(todo, 1):
        setattr(result, tier, job.produce(tier))
        if job.checker is None and not engine.verbatim:
            # a model wrote it and nothing checked it: not guaranteed (a verbatim engine copies the source)
            job.fidelity.unresolved.append({"tier": tier, "status": "unchecked", "kind": "", "found": "",
                                            "expected": None})
        if on_progress is not None:
            on_progress(done, len(todo))
    return result


class _Job:
    """One text summarized in several tiers; chunk summaries are shared between tiers."""

    def __init__(self, text: str, engine: SummaryEngine, prompts: PromptSet, glossary: list, checker: Checker | None):
        self.text, self.engine, self.prompts, self.checker = text, engine, prompts, checker
        self.glossary = format_glossary(glossary)
        self.fidelity = Fidelity()
        self._parts: list[str] | None = None
        self._condensed: dict[tuple[str, int], list[str]] = {}  # condensing rounds, shared by tiers
        self._source_words: str | None = None
        self._checked: dict[str, list[FidelityIssue]] = {}  # text -> its issues: a tier is checked
        # when drafted, when repaired and when finished, mostly the same text each time

    # -- one tier -------------------------------------------------------------------------------
    def produce(self, tier: str) -> str:
        shape = shape_for(tier, self.text)
        verbatim = self.engine.verbatim
        draft = self._ask(tier, shape)
        problems, unexpected = self._assess(tier, draft, verbatim)
        if problems and not verbatim:  # a verbatim engine would give the same answer again
            second = self._ask(tier, shape, problems=problems, avoid=tuple(i.found for i in unexpected))
            problems2, unexpected2 = self._assess(tier, second, verbatim)
            keep_second = (len(unexpected2), len(problems2)) <= (len(unexpected), len(problems))
            self.fidelity.regenerated.append({"tier": tier, "reasons": problems,
                                              "kept": "second" if keep_second else "first"})
            draft = second if keep_second else draft
        final = self._finish(tier, draft, verbatim)
        if not final and not verbatim:
            fallback = ExtractiveEngine().generate(self._request(tier, shape, self.text))
            self.fidelity.regenerated.append({"tier": tier, "reasons": ["no usable text was left"],
                                              "kept": "extractive"})
            final = self._finish(tier, fallback, verbatim=True)
        left = check_shape(tier, final, self.text)
        if left:
            self.fidelity.shape.append({"tier": tier, "problems": left})
        return final

    def _assess(self, tier: str, draft: str, verbatim: bool) -> tuple[list[str], list[FidelityIssue]]:
        unexpected = [i for i in self._check(draft) if i.status == "unexpected"]
        problems = check_shape(tier, _clean(draft, verbatim), self.text)
        problems += [f"it mentions {i.found!r}, which the text does not support" for i in unexpected]
        return problems, unexpected

    def _finish(self, tier: str, draft: str, verbatim: bool) -> str:
        text = self._repair(tier, _clean(draft, verbatim))
        trimmed = trim_to_shape(tier, text, self.text)
        if trimmed != text:
            self.fidelity.trimmed.append({"tier": tier, "words_before": count_words(text),
                                          "words_after": count_words(trimmed)})
            text = self._repair(tier, trimmed)
        for issue in self._check(text):
            self.fidelity.unresolved.append({"tier": tier, "status": issue.status, "kind": issue.kind,
                                             "found": issue.found, "expected": issue.expected})
        return text

    # -- fidelity --------------------------------------------------------------------------------
    def _check(self, text: str) -> list[FidelityIssue]:
        """What the checker finds, less what needs no action (a sentence copied from the text)."""
        if text not in self._checked:
            issues = find_issues(self.checker, text)
            if issues and self._source_words is None:
                self._source_words = " ".join(self.text.split())
            self._checked[text] = drop_supported(issues, text, self._source_words) if issues else issues
        return list(self._checked[text])

    def _repair(self, tier: str, text: str) -> str:
        """Fix altered spans in place, drop sentences with unsupported ones; up to three rounds."""
        for _ in range(3):
            issues = [i for i in self._check(text) if 0 <= i.start < i.end <= len(text)]
            altered = [i for i in issues if i.status == "altered" and i.expected]
            if altered:
                for issue in sorted(altered, key=lambda i: i.start, reverse=True):
                    text = text[: issue.start] + issue.expected + text[issue.end :]
                    self.fidelity.repaired.append({"tier": tier, "kind": issue.kind, "found": issue.found,
                                                   "expected": issue.expected})
                continue
            unexpected = [i for i in issues if i.status == "unexpected"]
            if not unexpected:
                return text
            sentences = split_sentences(text)
            doomed: dict[int, Span] = {}
            for issue in unexpected:
                holder = next((s for s in sentences if s.start <= issue.start < s.end), None)
                if holder is not None:
                    doomed[holder.start] = holder
                    self.fidelity.dropped.append({"tier": tier, "kind": issue.kind, "found": issue.found,
                                                  "sentence": holder.text})
            if not doomed:
                return text
            text = drop_spans(text, list(doomed.values()))
        return text

    # -- asking the engine -----------------------------------------------------------------------
    def _ask(self, tier: str, shape: Shape, problems: Sequence[str] = (), avoid: tuple[str, ...] = ()) -> str:
        probe = self._request(tier, shape, "", problems, avoid)
        budget = self.engine.text_budget(probe.messages, probe.max_new_tokens)
        if self.engine.count_tokens(self.text) <= budget:
            return self.engine.generate(self._request(tier, shape, self.text, problems, avoid))
        return self._combine(tier, shape, self._chunk_summaries(), problems, avoid)

    def _request(self, tier: str, shape: Shape, text: str, problems: Sequence[str] = (),
                 avoid: tuple[str, ...] = (), template: str | None = None) -> SummaryRequest:
        template = self.prompts[template or tier]
        values = {"text": text, "summaries": text, "glossary": self.glossary, "shape": shape.describe(),
                  "max_words": shape.max_words, "min_words": shape.min_words, "problems": "; ".join(problems)}
        if "sections" in template.variables:
            values["sections"] = describe_sections(text)
        messages = template.render(**{k: v for k, v in values.items() if k in template.variables})
        if problems:
            retry = self.prompts["retry"]
            extra = retry.render_text(**{k: v for k, v in values.items() if k in retry.variables})
            messages[-1] = {**messages[-1], "content": messages[-1]["content"] + "\n\n" + extra}
        # room for the answer: about 1.8 tokens a word, never more than half the context
        max_new = min(int(shape.max_words * 1.8) + 24, max(64, self.engine.context_tokens() // 2))
        return SummaryRequest(tier=tier, text=text, messages=tuple(messages), min_words=shape.min_words,
                              max_words=shape.max_words, max_new_tokens=max_new, avoid=avoid,
                              attempt=1 if problems else 0)

    def _chunk_summaries(self) -> list[str]:
        """Summaries of overlapping chunks that each fit the engine (computed once per text)."""
        if self._parts is None:
            shape = shape_for("full", self.text)
            probe = self._request("full", shape, "")
            budget = self.engine.text_budget(probe.messages, probe.max_new_tokens)
            chunks = chunk_text(self.text, budget, self.engine.count_tokens)
            # size the parts so that, joined, they fit one combine request
            combine = self._request("full", shape, "", template="combine")
            room = self.engine.text_budget(combine.messages, combine.max_new_tokens)
            per_word = max(1.0, self.engine.count_tokens(self.text) / max(1, count_words(self.text)))
            per_part = max(12, int(room / per_word / len(chunks)) - 4)
            self._parts = []
            for chunk in chunks:
                part_shape = Shape("full", 1, min(per_part, shape_for("full", chunk).max_words))
                summary = self.engine.generate(self._request("full", part_shape, chunk))
                self._parts.append(self._repair("chunks", _clean(summary, self.engine.verbatim)))
        return self._parts

    def _combine(self, tier: str, shape: Shape, parts: list[str], problems: Sequence[str],
                 avoid: tuple[str, ...]) -> str:
        """Combine part summaries into `tier`, condensing groups first while they do not fit."""
        for _ in range(_MAX_COMBINE_ROUNDS):
            joined = "\n\n".join(p for p in parts if p.strip())
            if not joined:
                return ""  # the parts came back empty: nothing to combine
            probe = self._request(tier, shape, "", problems, avoid, template="combine")
            budget = self.engine.text_budget(probe.messages, probe.max_new_tokens)
            if self.engine.count_tokens(joined) <= budget:
                return self.engine.generate(self._request(tier, shape, joined, problems, avoid, template="combine"))
            key = (joined, budget)
            if key not in self._condensed:
                groups = chunk_text(joined, budget, self.engine.count_tokens, overlap=0.0)
                self._condensed[key] = [tidy(self.engine.generate(self._request("full", shape_for("full", g), g,
                                                                                template="combine")))
                                        for g in groups]
            condensed = self._condensed[key]
            if sum(map(self.engine.count_tokens, condensed)) >= self.engine.count_tokens(joined):
                break
            parts = condensed
        raise PasseurError("the text is too long for this model even after condensing its parts: "
                           "use a model with a longer context or --engine extractive")


def describe_sections(text: str) -> str:
    """The text's sections, one per line, for the full-summary prompt."""
    if not text.strip():
        return ""
    lines = []
    for number, section in enumerate(split_sections(text), 1):
        label = section.heading or " ".join(section.body.split()[:8]) + "…"
        lines.append(f"{number}. {label}")
    return "\n".join(lines)


def chunk_text(text: str, budget: int, count_tokens: Callable[[str], int], overlap: float = 0.1) -> list[str]:
    """Split `text` into slices of at most `budget` tokens, cut between sentences.

    Consecutive chunks share about `overlap` of a chunk (whole sentences). Nothing is left
    out: a sentence longer than the budget is split between words.
    """
    if budget < 16:
        raise PasseurError(f"the model's context leaves {budget} tokens for the text: too small to summarize with")
    pieces = [p for s in split_sentences(text) for p in _split_long(text, s, budget, count_tokens)]
    sizes = [count_tokens(p.text) + 1 for p in pieces]
    chunks: list[str] = []
    start = 0
    while start < len(pieces):
        end, used = start, 0
        while end < len(pieces) and (end == start or used + sizes[end] <= budget):
            used += sizes[end]
            end += 1
        chunks.append(text[pieces[start].start : pieces[end - 1].end])
        if end >= len(pieces):
            break
        back, shared = end, 0
        while back - 1 > start and shared + sizes[back - 1] <= budget * overlap:
            back -= 1
            shared += sizes[back]
        start = back
    return chunks


def _split_long(text: str, span: Span, budget: int, count_tokens: Callable[[str], int]) -> Iterable[Span]:
    if count_tokens(span.text) < budget:
        yield span
        return
    words = span.text.split(" ")
    step = max(1, len(words) // (count_tokens(span.text) // max(1, budget // 2) + 1))
    offset = span.start
    for i in range(0, len(words), step):
        piece = " ".join(words[i : i + step])
        start = text.find(piece, offset)
        yield Span(start, start + len(piece), piece)
        offset = start + len(piece)


def _clean(draft: str, verbatim: bool) -> str:
    """Tidy an answer; a model's loses a last sentence cut off by the token limit. A verbatim
    engine's answer is whole sentences by construction: nothing of it is dropped here."""
    text = tidy(draft)
    return text if verbatim else _drop_unfinished(text)


def _drop_unfinished(text: str) -> str:
    """Drop a last sentence cut off by the token limit (when there is more than one)."""
    sentences = split_sentences(text)
    if len(sentences) > 1 and sentences[-1].text.rstrip()[-1:] not in SENTENCE_END:
        return drop_spans(text, [sentences[-1]])
    return text
