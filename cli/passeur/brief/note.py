"""What a briefing note holds (data only): one article's note, a digest of several, and
the model descriptions they carry. Building is `brief.build`'s job, rendering `brief.render`'s
and `brief.html`'s."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class KeyFigure:
    """One distinct figure: its English form, its source form, where it first appears."""

    kind: str
    english: str
    source: str
    sentence: str
    sentence_translation: str = ""
    count: int = 1
    status: str = ""  # the translation's fidelity status for it: applied, repaired, unresolved


@dataclass
class NamedEntity:
    """A person or organisation the article names, as the English text writes it."""

    kind: str
    name: str
    source: str
    count: int = 1
    aliases: list[str] = field(default_factory=list)


@dataclass
class AlignedRow:
    """One source segment and its translation; `paragraph_start` when a new line begins."""

    source: str
    translation: str
    start: int = -1
    end: int = -1
    paragraph_start: bool = False


@dataclass
class Provenance:
    source_file: str
    language: str
    translation_model: dict
    summary_model: dict
    created: str
    fidelity_status: str  # ok | repaired | unresolved
    unresolved: list[dict] = field(default_factory=list)


@dataclass
class BriefNote:
    """Everything one briefing note shows, in reading order."""

    title: str
    headline: str
    paragraph: str
    key_figures: list[KeyFigure]
    people: list[NamedEntity]
    organizations: list[NamedEntity]
    full_summary: str
    translation: str
    source_text: str
    rows: list[AlignedRow]
    provenance: Provenance
    markdown_source: bool = False
    fidelity: dict = field(default_factory=dict)  # {"translation": {...}, "summary": {...}}

    @property
    def unresolved(self) -> list[dict]:
        return self.provenance.unresolved

    def to_json(self) -> dict:
        # one_line, paragraph, full: the summary tiers under the keys `summarize --format json` uses;
        # headline and full_summary are the same texts under the keys briefs had first (kept)
        return {"kind": "brief", "title": self.title, "one_line": self.headline, "paragraph": self.paragraph,
                "full": self.full_summary, "headline": self.headline,
                "key_figures": [asdict(f) for f in self.key_figures],
                "people": [asdict(p) for p in self.people],
                "organizations": [asdict(o) for o in self.organizations],
                "full_summary": self.full_summary, "translation": self.translation,
                "source_text": self.source_text,
                "aligned": [{"source": r.source, "translation": r.translation,
                             "paragraph_start": r.paragraph_start} for r in self.rows],
                "provenance": asdict(self.provenance), "fidelity": self.fidelity}


@dataclass
class Digest:
    """Several notes: an overall headline and paragraph first, then each article."""

    headline: str
    paragraph: str
    notes: list[BriefNote]
    summary_model: dict
    created: str
    fidelity: dict = field(default_factory=dict)

    @property
    def unresolved(self) -> list[dict]:
        own = [{"where": "digest", **item} for item in self.fidelity.get("unresolved", [])]
        return own + [item for note in self.notes for item in note.unresolved]

    def to_json(self) -> dict:
        return {"kind": "digest", "created": self.created,
                "overall": {"one_line": self.headline, "headline": self.headline, "paragraph": self.paragraph,
                            "summary_model": self.summary_model, "fidelity": self.fidelity},
                "articles": [note.to_json() for note in self.notes]}


def describe_model(info: dict, none: str = "none") -> str:
    """"Helsinki-NLP/opus-mt-fr-en @ 0123abc [transformers, cpu]" from an engine's describe()."""
    if not info:
        return none
    model = info.get("model")
    if not model:
        return f"{info.get('engine', 'unknown')} (no model)"
    text = model + (f" @ {info['revision']}" if info.get("revision") else " (revision unknown)")
    extra = [str(info[k]) for k in ("engine", "device") if info.get(k)]
    return text + (f" [{', '.join(extra)}]" if extra else "")
