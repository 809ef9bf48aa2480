"""Where models live: resolve a name or folder to a local directory, pull, list, locate.

Hub models are fetched on first use and cached by huggingface_hub (its usual cache, so
other tools share it). With no network, or HF_HUB_OFFLINE=1, a missing model is a
ModelUnavailableError naming the model and the two ways out.
"""
from __future__ import annotations

import hashlib

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from passeur.errors import ModelUnavailableError

DEFAULT_TRANSLATION_MODEL = "Helsinki-NLP/opus-mt-fr-en"
DEFAULT_SUMMARY_MODEL = "Qwen/Qwen2.5-1.5B-Instruct"
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")
# Weight formats passeur never loads: skipping them saves gigabytes on pull.
_IGNORED = ["*.h5", "*.ot", "*.msgpack", "*.onnx", "onnx/*", "*.tflite", "*.gguf", "coreml/*", "openvino/*"]


@dataclass(frozen=True)
class ResolvedModel:
    """A model ready to load: its name as given, its folder on disk, and its revision."""

    name: str
    path: Path
    revision: str


def cache_dir(kind: str, environ: Mapping[str, str] | None = None) -> Path:
    """passeur's own cache for `kind` (converted models, prepared spaCy and language-id data,
    the translation memory): $PASSEUR_CACHE/kind (from `environ`, else the process's), else
    the user cache dir."""
    base = ((environ or {}).get("PASSEUR_CACHE") or os.environ.get("PASSEUR_CACHE") or "").strip()
    if not base:
        try:
            from platformdirs import user_cache_dir

            base = user_cache_dir("passeur")
        except ImportError:
            base = str(Path.home() / ".cache" / "passeur")
    return Path(base).expanduser() / kind


def is_hub_offline(environ: dict | None = None) -> bool:
    """True when the environment forbids reaching the Hub."""
    env = os.environ if environ is None else environ
    return any(env.get(key, "").strip().lower() in {"1", "true", "yes", "on"} for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def resolve_model(name: str, *, download: bool = True, environ: dict | None = None) -> ResolvedModel:
    """Return a local folder for `name` (a folder path or a Hub id), fetching it if allowed."""
    path = Path(name).expanduser()
    if path.exists():
        return _check_folder(name, path)
    if not _HUB_ID.match(name) or name.startswith((".", "~")):
        raise ModelUnavailableError(f"model folder {name} does not exist (check the --model path)")
    cached = find_cached(name)
    if cached is not None:
        return cached
    if not download:
        raise ModelUnavailableError(_missing_message(name, "it is not in the local cache"))
    if is_hub_offline(environ):
        raise ModelUnavailableError(_missing_message(name, "HF_HUB_OFFLINE is set"))
    return pull_model(name)


def find_cached(name: str) -> ResolvedModel | None:
    """The cached snapshot of a Hub model, or None."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        folder = Path(snapshot_download(name, local_files_only=True))
    except (LocalEntryNotFoundError, OSError, ValueError):
        return None
    if not (folder / "config.json").exists():
        return None
    return ResolvedModel(name, folder, folder.name)


def pull_model(name: str, *, progress: bool = False) -> ResolvedModel:
    """Download a Hub model into the cache (only the files passeur loads)."""
    from huggingface_hub import HfApi, snapshot_download

    if not progress:
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    if not hub_reachable():
        raise ModelUnavailableError(_missing_message(name, "the Hugging Face Hub cannot be reached"))
    from huggingface_hub.utils import logging as hub_logging

    hub_logging.set_verbosity_error()  # its retry warnings are noise: passeur reports the outcome
    try:
        files = HfApi().list_repo_files(name)
        ignore = list(_IGNORED)
        if any(f.endswith(".safetensors") for f in files):
            ignore.append("*.bin")
        folder = Path(snapshot_download(name, ignore_patterns=ignore))
    except Exception as exc:  # network, auth, missing repo: all end the same way for the user
        reason = _describe_hub_error(exc)
        raise ModelUnavailableError(_missing_message(name, reason)) from None
    return _check_folder(name, folder, revision=folder.name)


def hub_reachable(timeout: float = 3.0) -> bool:
    """A quick TCP probe of the Hub endpoint, so that no network fails in seconds, not minutes."""
    import socket
    from urllib.parse import urlparse

    endpoint = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    port = endpoint.port or (443 if endpoint.scheme == "https" else 80)
    try:
        with socket.create_connection((endpoint.hostname or "huggingface.co", port), timeout=timeout):
            return True
    except OSError:
        return False


def list_cached() -> list[dict]:
    """Every model in the Hugging Face cache: name, size, revision, folder."""
    from huggingface_hub import scan_cache_dir

    try:
        info = scan_cache_dir()
    except Exception:  # no cache folder yet
        return []
    models = []
    for repo in sorted(info.repos, key=lambda r: r.repo_id):
        if repo.repo_type != "model":
            continue
        revision = max(repo.revisions, key=lambda r: r.last_modified, default=None)
        models.append(
            {
                "name": repo.repo_id,
                "size_mb": round(repo.size_on_disk / 1e6, 1),
                "revision": revision.commit_hash if revision else "",
                "path": str(revision.snapshot_path) if revision else str(repo.repo_path),
            }
        )
    return models


def _check_folder(name: str, path: Path, revision: str | None = None) -> ResolvedModel:
    if not path.is_dir():
        raise ModelUnavailableError(f"model {name} is a file, not a model folder (give the folder holding config.json)")
    if not (path / "config.json").exists() and not (path / "model.bin").exists():
        raise ModelUnavailableError(f"model folder {name} has no config.json: it is not a Hugging Face model folder")
    return ResolvedModel(name, path.resolve(), revision or _folder_revision(path))


def _folder_revision(path: Path) -> str:
    """A revision for a local folder: its snapshot hash when it is one, else a digest of the
    name, size and modification time of every file in it (weights, vocabularies, configs), so
    that rewriting `model.safetensors` makes a new revision (the translation memory and the
    CTranslate2 conversion cache are keyed by it). Only `stat` is read, not the weights."""
    if path.parent.name == "snapshots":
        return path.name
    digest = hashlib.sha256()
    for file in sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")):
        info = file.stat()
        digest.update(f"{file.name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return f"local-{digest.hexdigest()[:16]}"


def _missing_message(name: str, reason: str) -> str:
    return (
        f"model {name} is not on disk and cannot be downloaded ({reason}): "
        f"run `passeur models pull {name}` where there is a network, or pass --model /path/to/model-folder"
    )


def _describe_hub_error(exc: Exception) -> str:
    text = str(exc).lower()
    if "name or service not known" in text or "connect" in text or "resolve" in text or "timed out" in text:
        return "the Hugging Face Hub cannot be reached"
    if "401" in text or "403" in text or "gated" in text:
        return "the Hub refused access: log in with `hf auth login` if the model is gated"
    if "404" in text or "not found" in text:
        return "no such model on the Hub"
    return f"download failed: {str(exc).splitlines()[0][:120]}"
