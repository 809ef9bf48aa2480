"""How an unresolved name or figure is described to a person, whichever stage found it
(translation guard, summary checks, digest)."""
from __future__ import annotations


def describe_unresolved(items: list[dict]) -> str:
    """A header, then one line per name or figure that could not be guaranteed."""
    lines = [f"{len(items)} name(s) or figure(s) could not be guaranteed:"]
    for item in items:
        segment = f" in: {item['segment']}" if item.get("segment") else ""
        lines.append(f"  {describe_issue(item)}{segment}")
    return "\n".join(lines)


def describe_issue(item: dict) -> str:
    """One line for an unresolved item, whichever stage it comes from."""
    where = item.get("where", "")
    if item.get("tier"):
        where += f" ({item['tier'].replace('_', '-')})"
    what = item.get("source") or item.get("found") or ""
    parts = [where, item.get("status", ""), item.get("kind", ""), repr(what) if what else ""]
    details = []
    if item.get("expected"):
        details.append(f"expected {item['expected']!r}")
    if item.get("found") and item.get("found") != what:
        details.append(f"found {item['found']!r}")
    line = " ".join(p for p in parts if p)
    return line + (f" ({', '.join(details)})" if details else "")
