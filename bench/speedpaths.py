"""The code paths the benchmark times, each run once per process (see bench/speed.py).

Every runner takes the run's spec (model folder, segments, fixed output length, device)
and a beam size, loads its model (timed as load), warms up on one segment, then times its
segments and returns a dict: segments, generated tokens, wall and CPU seconds, load
seconds, device, notes.
"""
from __future__ import annotations

import os
import time
from pathlib import Path


class Clock:
    """Wall and CPU (this process, all threads) seconds spent inside a `with` block."""

    def __enter__(self) -> "Clock":
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def peak_rss_mb() -> float:
    """This process' peak resident memory so far, in MB.

    Linux: VmHWM, the high-water mark of this program's own memory (getrusage's ru_maxrss
    would also count the parent's memory at fork time). Elsewhere: psutil's current RSS.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    import psutil

    return round(psutil.Process().memory_info().rss / 2**20, 1)


def run_baseline(spec: dict, beam: int) -> dict:
    """transformers `generate()`, fp32, one segment at a time, torch defaults otherwise."""
    import torch
    from transformers import AutoModelForSeq2SeqLM

    from passeur.models.hf import pick_device
    from passeur.translation.ct2 import load_tokenizer

    with Clock() as load:
        device = pick_device(spec["device"])
        tokenizer = load_tokenizer(Path(spec["model_dir"]))
        model = AutoModelForSeq2SeqLM.from_pretrained(spec["model_dir"], dtype=torch.float32).eval().to(device)
    segments = spec["segments"][: spec["baseline_segments"]]

    def generate(text: str, length: int) -> int:
        inputs = tokenizer(text, return_tensors="pt").to(device)
        with torch.inference_mode():
            out = model.generate(**inputs, num_beams=beam, do_sample=False, min_new_tokens=length, max_new_tokens=length)
        tokenizer.decode(out[0], skip_special_tokens=True)
        return int(out.shape[1]) - 1  # minus the decoder start token

    generate(segments[0], 4)  # warm-up
    with Clock() as run:
        generated = sum(generate(text, spec["new_tokens"]) for text in segments)
    return {"segments": len(segments), "generated_tokens": generated, "clock": run, "load_s": load.wall,
            "device": device, "threads": torch.get_num_threads(),
            "device_name": torch.cuda.get_device_name() if device == "cuda" else "",
            "notes": f"subset: first {len(segments)} segments (tokens/s compares, totals do not)"}


def run_api(spec: dict, beam: int, *, ct2: bool = False) -> dict:
    """`passeur.translate_text` with the engine passeur builds by default (`ct2`: with its
    CTranslate2 engine passed explicitly). The engine is built once and reused, as the API
    documents; the document is all segments, one paragraph each."""
    import passeur
    from passeur.translation.backends import create_translation_engine

    with Clock() as load:
        if ct2:
            from passeur.translation.ct2 import CT2Engine

            engine = CT2Engine(spec["model_dir"], device=spec["device"], beam_size=beam)
        else:
            engine = create_translation_engine(spec["model_dir"], device=spec["device"], beam_size=beam)
        forced = force_fixed_length(engine, spec["new_tokens"])
        passeur.translate_text(" ".join(spec["segments"][:3]), engine=engine)  # loads the model and language id
    describe = engine.describe()
    on_ct2 = describe.get("engine") == "ctranslate2"
    segments = spec["segments"] if on_ct2 else spec["segments"][: spec["engine_segments"]]
    shown = {k: describe[k] for k in ("engine", "device", "compute_type", "int8", "beam_size") if k in describe}
    notes = [f"engine {shown}", forced]
    if len(segments) < len(spec["segments"]):
        notes.append(f"subset: first {len(segments)} segments")
    with Clock() as run:
        result = passeur.translate_text("\n\n".join(segments), engine=engine)
    stats = result.stats
    if stats["segments"] != len(segments):
        notes.append(f"the segmenter made {stats['segments']} segments of the {len(segments)}")
    return {"segments": stats["segments"], "generated_tokens": stats["generated_tokens"], "clock": run,
            "load_s": load.wall, "device": describe.get("device", spec["device"]), "backend": describe.get("engine"),
            "notes": "; ".join(n for n in notes if n),
            "fixed_length": check_fixed_length(stats["generated_tokens"], stats["segments"], spec["new_tokens"], notes)}


def run_ct2_reference(spec: dict, beam: int) -> dict:
    """CTranslate2 as its documentation uses it: tokenize, translate_batch(max_batch_size=32), detokenize."""
    import ctranslate2

    from passeur.models.hf import count_cpu_threads
    from passeur.translation.ct2 import ensure_converted, load_tokenizer, pick_compute_type, pick_device

    with Clock() as load:
        device = pick_device(spec["device"])
        compute_type = pick_compute_type(device, None)
        tokenizer = load_tokenizer(Path(spec["model_dir"]))
        translator = ctranslate2.Translator(
            str(ensure_converted(spec["model_dir"], compute_type)), device=device, compute_type=compute_type,
            intra_threads=count_cpu_threads() if device == "cpu" else 1,
        )

    def translate(texts: list[str], length: int) -> int:
        tokens = [tokenizer.convert_ids_to_tokens(tokenizer(t)["input_ids"]) for t in texts]
        results = translator.translate_batch(tokens, beam_size=beam, max_batch_size=32,
                                             min_decoding_length=length, max_decoding_length=length)
        hyps = [tokenizer.convert_tokens_to_ids(r.hypotheses[0]) for r in results]
        tokenizer.batch_decode(hyps, skip_special_tokens=True)
        return sum(len(h) for h in hyps)

    translate(spec["segments"][:1], 4)
    with Clock() as run:
        generated = translate(spec["segments"], spec["new_tokens"])
    return {"segments": len(spec["segments"]), "generated_tokens": generated, "clock": run, "load_s": load.wall,
            "device": device, "compute_type": compute_type, "threads": count_cpu_threads()}


def run_transformers(spec: dict, beam: int, *, int8: bool) -> dict:
    """passeur's transformers backend (MarianEngine) chosen explicitly, fp32 or dynamic int8."""
    from passeur.translation.marian import MarianEngine

    with Clock() as load:
        engine = MarianEngine(spec["model_dir"], device=spec["device"], beam_size=beam, int8=int8)
        forced = force_fixed_length(engine, spec["new_tokens"])
        engine.translate(spec["segments"][:1])
    notes = [f"subset: first {spec['engine_segments']} segments", forced]
    segments = spec["segments"][: spec["engine_segments"]]
    before = engine.stats.generated_tokens
    with Clock() as run:
        engine.translate(segments)
    generated = engine.stats.generated_tokens - before
    return {"segments": len(segments), "generated_tokens": generated, "clock": run, "load_s": load.wall,
            "device": engine.device, "notes": "; ".join(n for n in notes if n),
            "fixed_length": check_fixed_length(generated, len(segments), spec["new_tokens"], notes)}


def run_agreement(spec: dict, beam: int) -> dict:
    """Share of outputs identical to transformers fp32 generate() (batched, same beam), for each
    int8 path and for CTranslate2 float32, on a copy model (fp32 should copy its input)."""
    import torch
    from transformers import AutoModelForSeq2SeqLM

    from modelfactory import make_segments
    from passeur.translation.ct2 import CT2Engine, load_tokenizer
    from passeur.translation.marian import MarianEngine

    model_dir = Path(spec["copy_model"])
    tokenizer = load_tokenizer(model_dir)
    count = lambda text: len(tokenizer(text)["input_ids"])  # noqa: E731
    texts = make_segments(count, spec["agreement_segments"], seed=7, median=12, longest=30)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    reference = []
    for start in range(0, len(texts), 16):
        inputs = tokenizer(texts[start : start + 16], return_tensors="pt", padding=True)
        with torch.inference_mode():
            out = model.generate(**inputs, num_beams=beam, do_sample=False, max_new_tokens=64)
        reference += tokenizer.batch_decode(out, skip_special_tokens=True, clean_up_tokenization_spaces=False)
    result = {"segments": len(texts), "beam": beam, "model": model_dir.name,
              "copy_exact_fp32": share_identical(reference, texts)}
    engines = {"ctranslate2_int8": CT2Engine(model_dir, device="cpu", beam_size=beam, compute_type="int8"),
               "ctranslate2_float32": CT2Engine(model_dir, device="cpu", beam_size=beam, compute_type="float32"),
               "transformers_dynamic_int8": MarianEngine(model_dir, device="cpu", beam_size=beam, int8=True)}
    outputs = {name: engine.translate_one(texts) for name, engine in engines.items()}
    for name, output in outputs.items():
        result[name] = share_identical(output, reference)
    result["ctranslate2_int8_vs_float32"] = share_identical(outputs["ctranslate2_int8"], outputs["ctranslate2_float32"])
    return result


def force_fixed_length(engine, length: int) -> str:
    """Make a transformers-based engine generate exactly `length` tokens per segment.

    Engines that honour the model's generation config (min/max_new_tokens, which the
    benchmark writes) need nothing; for one that passes its own max_new_tokens, the
    model's generate() is wrapped. Returns a note saying so, or ''.
    """
    load = getattr(engine, "load", None)
    model = load() if callable(load) else None
    if model is None or not hasattr(model, "generate"):
        return ""
    original = model.generate

    def generate(*args, **kwargs):
        kwargs.update(min_new_tokens=length, max_new_tokens=length)
        return original(*args, **kwargs)

    model.generate = generate
    return f"bench forces {length} new tokens in generate()"


def check_fixed_length(generated: int, segments: int, length: int, notes: list[str]) -> bool:
    """True when `generated` is `length` per segment (give or take one end token each)."""
    expected = segments * length
    if abs(generated - expected) <= segments:
        return True
    notes.append(f"output length not fixed: {generated} generated vs {expected} expected")
    return False


def share_identical(outputs: list[str], reference: list[str]) -> float:
    return round(sum(a.strip() == b.strip() for a, b in zip(outputs, reference)) / max(1, len(reference)), 4)


RUNNERS = {
    "baseline": run_baseline,
    "default": run_api,
    "api-ct2": lambda spec, beam: run_api(spec, beam, ct2=True),
    "ct2": run_ct2_reference,
    "transformers-int8": lambda spec, beam: run_transformers(spec, beam, int8=True),
    "transformers-fp32": lambda spec, beam: run_transformers(spec, beam, int8=False),
    "agreement": run_agreement,
}

LABELS = {
    "baseline": "transformers fp32, one segment at a time",
    "default": "passeur engine via translate_text (no guard, no memory)",
    "api-ct2": "passeur API with its CTranslate2 engine",
    "ct2": "CTranslate2 reference",
    "transformers-int8": "passeur transformers backend, dynamic int8",
    "transformers-fp32": "passeur transformers backend, fp32",
}


def run_path(name: str, spec: dict, beam: int) -> dict:
    """Run one path and add what every result carries (name, beam, tokens/s, peak RSS)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    result = RUNNERS[name](spec, beam)
    result.update(path=name, beam=beam, peak_rss_mb=peak_rss_mb())
    clock = result.pop("clock", None)
    if clock is not None:
        result["seconds"] = round(clock.wall, 3)
        result["cpu_seconds"] = round(clock.cpu, 3)
        result["tokens_per_s"] = round(result["generated_tokens"] / max(clock.wall, 1e-9), 1)
        result["tokens_per_cpu_s"] = round(result["generated_tokens"] / max(clock.cpu, 1e-9), 1)
        result["load_s"] = round(result["load_s"], 3)
    return result
