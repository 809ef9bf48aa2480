"""What every Hugging Face model here needs, whatever its job: the device, the CPU threads,
and transformers kept quiet. torch and transformers are imported inside each function."""
from __future__ import annotations

import os

from passeur.errors import UsageError


def pick_device(device: str) -> str:
    """'auto' is CUDA when a GPU is there, else CPU; an explicit choice is checked."""
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise UsageError("--device cuda: no CUDA GPU is available here (use --device cpu or auto)")
    return device


def count_cpu_threads() -> int:
    """Threads for one translator: PASSEUR_THREADS, else the physical cores this process may use."""
    wanted = int(os.environ.get("PASSEUR_THREADS", "0") or 0)
    if wanted > 0:
        return wanted
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        import psutil

        physical = psutil.cpu_count(logical=False) or usable
    except ImportError:
        physical = usable
    return max(1, min(usable, physical))


def set_cpu_threads() -> None:
    """Use the physical cores, once per process (torch defaults can oversubscribe)."""
    import torch

    wanted = count_cpu_threads()
    if torch.get_num_threads() != wanted:
        torch.set_num_threads(wanted)


def quiet_transformers() -> None:
    """transformers' warnings and progress bars are noise on passeur's stderr."""
    import warnings

    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
