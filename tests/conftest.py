"""Shared fixtures: tiny real models, built once per test run (cached between runs)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # no test may reach the network
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import modelfactory  # noqa: E402


@pytest.fixture(scope="session")
def model_cache(request, tmp_path_factory) -> Path:
    cache = getattr(request.config, "cache", None)
    if cache is not None:
        return Path(cache.mkdir("passeur-models"))
    return tmp_path_factory.mktemp("passeur-models")


@pytest.fixture(scope="session")
def copy_model(model_cache) -> Path:
    """A MarianMT that copies its input exactly: translations are predictable."""
    return modelfactory.build_copy_marian(model_cache / "copy-marian")


@pytest.fixture(scope="session")
def random_model(model_cache) -> Path:
    """A random MarianMT with sentencepiece vocabularies trained on fixture text."""
    return modelfactory.build_random_marian(model_cache / "random-marian")


@pytest.fixture(scope="session")
def chat_model(model_cache) -> Path:
    """A tiny random causal LM with a chat template."""
    return modelfactory.build_tiny_causal_lm(model_cache / "tiny-chat")

# Tiny models are dominated by per-token overhead: one thread is faster on a busy 2-core box.
os.environ.setdefault("PASSEUR_THREADS", "1")


@pytest.fixture(autouse=True)
def private_translation_memory(tmp_path, monkeypatch):
    """Each test gets its own translation memory, never the user's."""
    monkeypatch.setenv("PASSEUR_TM", str(tmp_path / "passeur-memory.sqlite3"))


# The property-based suite (tests/test_fuzz.py): a few hundred examples per test in CI; the
# long run is `HYPOTHESIS_PROFILE=long python -m pytest -q -m fuzz` (10,000 examples each).
# No deadline: timings on a shared machine are noise, not a property.
settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("long", max_examples=10_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
