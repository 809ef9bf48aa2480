"""Turning results into text, Markdown or JSON for output."""
from __future__ import annotations

import json


def render_translations(results: list, fmt: str) -> str:
    """Render (source, TranslationResult | None) pairs; None stands for an empty input."""
    if fmt == "json":
        documents = [_json_document(source, result) for source, result in results]
        payload = documents[0] if len(documents) == 1 else documents
        return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    parts = []
    for source, result in results:
        text = result.translation if result else ""
        if fmt == "md" and len(results) > 1:
            text = f"## {source.name}\n\n{text}"
        parts.append(text)
    if len(parts) == 1:
        return parts[0]
    return "\n".join(part if part.endswith("\n") or not part else part + "\n" for part in parts)


def _json_document(source, result) -> dict:
    if result is None:
        data = {"source_language": None, "translation": "", "segments": [], "glossary": [], "fidelity": {}}
    else:
        data = result.to_json()
    data["input"] = source.name
    return data
