"""Prompt templates for the summary tiers: find, load, validate, render.

A template is a plain-text file. Comment lines starting with '#' at the top are skipped;
a line `[system]` or `[user]` starts a chat message (no marker: the whole file is one user
message). Variables are written `{name}`; literal braces are `{{` and `}}`. Each template
has required and optional variables: a missing required one or an unknown one is a
DataFileError naming the file and line.

The packaged templates live in `passeur/prompts` (an installed wheel) or in the repository's
top-level `prompts/` (a source checkout). A user folder (`--prompts DIR` or the
PASSEUR_PROMPTS environment variable) overrides them file by file: `one_line.txt` there
replaces the packaged one-line prompt and nothing else.
"""
from __future__ import annotations

import os
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from passeur.errors import DataFileError

ENV_VAR = "PASSEUR_PROMPTS"
ROLES = ("system", "user", "assistant")
_TIER_OPTIONAL = frozenset({"max_words", "min_words", "shape"})

# name -> (required variables, optional variables)
TEMPLATE_VARIABLES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "one_line": (frozenset({"text", "glossary"}), _TIER_OPTIONAL),
    "paragraph": (frozenset({"text", "glossary"}), _TIER_OPTIONAL),
    "full": (frozenset({"text", "glossary"}), _TIER_OPTIONAL | {"sections"}),
    "combine": (frozenset({"summaries", "glossary", "shape"}), frozenset({"max_words", "min_words"})),
    "retry": (frozenset({"problems", "shape"}), frozenset({"max_words", "min_words"})),
}
TEMPLATE_NAMES = tuple(TEMPLATE_VARIABLES)


@dataclass(frozen=True)
class Message:
    role: str
    text: str
    line: int  # line of the file where the message's text starts
    marker: int  # line of its [role] marker (its first line when it has none)


@dataclass(frozen=True)
class Template:
    """One validated template."""

    name: str
    path: str
    messages: tuple[Message, ...]
    variables: frozenset[str]

    def render(self, **values: object) -> list[dict]:
        """Chat messages `[{"role", "content"}]` with every variable filled in."""
        missing = self.variables - values.keys()
        if missing:
            raise KeyError(f"{self.name}: no value for {', '.join(sorted(missing))}")
        return [{"role": m.role, "content": m.text.format_map(values).strip()} for m in self.messages]

    def render_text(self, **values: object) -> str:
        """The template as one plain text (for templates without chat roles, such as retry)."""
        return "\n\n".join(m["content"] for m in self.render(**values))


@dataclass
class PromptSet:
    """The templates in use, each from the user folder or the packaged defaults."""

    templates: dict[str, Template] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Template:
        return self.templates[name]

    def sources(self) -> dict[str, str]:
        """Which file each template came from (for --stats and debugging)."""
        return {name: t.path for name, t in self.templates.items()}


def default_prompt_dir() -> Path:
    """The packaged templates: `passeur/prompts` when installed, else the repo's `prompts/`."""
    try:
        from importlib.resources import files

        packaged = Path(str(files("passeur") / "prompts"))
        if (packaged / "one_line.txt").is_file():
            return packaged
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - unusual loaders
        pass
    return Path(__file__).resolve().parents[3] / "prompts"


def load_prompts(user_dir: str | os.PathLike | None = None, *, environ: Mapping[str, str] | None = None) -> PromptSet:
    """Load every template, the user's folder (argument, else $PASSEUR_PROMPTS) first."""
    env = os.environ if environ is None else environ
    chosen = user_dir if user_dir not in (None, "") else env.get(ENV_VAR) or None
    user = Path(chosen).expanduser() if chosen else None
    if user is not None and not user.is_dir():
        raise DataFileError(str(user), None, "prompt folder does not exist (check --prompts or PASSEUR_PROMPTS)")
    default = default_prompt_dir()
    prompts = PromptSet()
    for name in TEMPLATE_NAMES:
        path = user / f"{name}.txt" if user is not None else None
        if path is None or not path.is_file():
            path = default / f"{name}.txt"
        prompts.templates[name] = load_template(name, path)
    return prompts


def load_template(name: str, path: str | os.PathLike) -> Template:
    """Read and validate one template file."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(str(path), None, f"prompt template {name} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(str(path), None, f"cannot read prompt template: {exc}") from None
    return parse_template(name, raw, str(path))


def parse_template(name: str, raw: str, path: str = "<template>") -> Template:
    """Split a template into messages and check its variables."""
    if name not in TEMPLATE_VARIABLES:
        raise DataFileError(path, None, f"unknown template {name!r} (expected one of {', '.join(TEMPLATE_NAMES)})")
    required, optional = TEMPLATE_VARIABLES[name]
    messages = _split_messages(raw.splitlines(), path)
    used: dict[str, int] = {}
    for message in messages:
        for offset, line in enumerate(message.text.split("\n")):
            for var in _fields(line, path, message.line + offset):
                if var not in required | optional:
                    allowed = ", ".join("{" + v + "}" for v in sorted(required | optional))
                    raise DataFileError(path, message.line + offset,
                                        f"unknown variable {{{var}}} (this template can use {allowed})")
                used.setdefault(var, message.line + offset)
    missing = sorted(required - used.keys())
    if missing:
        names = ", ".join("{" + v + "}" for v in missing)
        last = messages[-1]
        raise DataFileError(path, last.marker, f"missing variable {names}: the {name} template must use it "
                                               f"(in its last message, [{last.role}])")
    return Template(name, path, tuple(messages), frozenset(used))


def _split_messages(lines: Sequence[str], path: str) -> list[Message]:
    index = 0
    while index < len(lines) and (lines[index].startswith("#") or not lines[index].strip()):
        index += 1
    messages: list[Message] = []
    role, start, marker, body = None, index + 1, index + 1, []
    for number in range(index, len(lines)):
        line = lines[number]
        text = line.strip()
        if text.startswith("[") and text.endswith("]") and text[1:-1].strip().lower() in ROLES:
            if role is not None or any(b.strip() for b in body):
                messages.append(Message(role or "user", "\n".join(body), start, marker))
            role, start, marker, body = text[1:-1].strip().lower(), number + 2, number + 1, []
        else:
            body.append(line)
    if role is not None or any(b.strip() for b in body):
        messages.append(Message(role or "user", "\n".join(body), start, marker))
    messages = [m for m in messages if m.text.strip()]
    if not messages:
        raise DataFileError(path, None, "the template is empty")
    return messages


def _fields(line: str, path: str, number: int) -> list[str]:
    try:
        parsed = list(string.Formatter().parse(line))
    except ValueError as exc:
        raise DataFileError(path, number, f"bad braces ({exc}); write literal braces as {{{{ and }}}}") from None
    names = []
    for _, field_name, spec, conversion in parsed:
        if field_name is None:
            continue
        if not field_name.isidentifier() or spec or conversion:
            written = "{" + field_name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            plain = "{" + field_name + "}" if field_name.isidentifier() else "{name}"
            raise DataFileError(path, number, f"bad variable {written}: use a plain {plain} (no conversion, "
                                              "format or index)")
        names.append(field_name)
    return names


def format_glossary(entries: Sequence[object], limit: int = 60) -> str:
    """The glossary as the prompts show it: one exact English form per line."""
    seen: list[str] = []
    ranked = sorted(entries, key=lambda e: -int(getattr(e, "count", 1) or 1))
    for entry in ranked:
        target = str(getattr(entry, "target", "") or getattr(entry, "source", "")).strip()
        if target and target not in seen:
            seen.append(target)
        if len(seen) >= limit:
            break
    return "\n".join(f"- {t}" for t in seen) if seen else "- (none)"
