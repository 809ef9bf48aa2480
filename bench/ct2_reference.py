"""CTranslate2 used directly, as its documentation shows: the reference user_speed.py compares with.

    python bench/ct2_reference.py MODEL_DIR CT2_DIR --new-tokens N [--beam 4] MODE < sentences

MODE is `one-shot` (the minimal script: python start, CTranslate2 int8 load, sentencepiece,
one translation per input line, printed), `document` (every line in one
`translate_batch(max_batch_size=32)` call) or `each` (one `translate_batch` call per line,
timed one by one). Lengths are forced: min = max decoding length = N tokens. Except in
one-shot mode it prints one JSON line: tokens generated and seconds of translation.
Nothing from passeur is imported.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time


def main() -> int:
    started = time.perf_counter()
    parser = argparse.ArgumentParser()
    parser.add_argument("model_dir")
    parser.add_argument("ct2_dir")
    parser.add_argument("mode", choices=["one-shot", "document", "each"])
    parser.add_argument("--new-tokens", type=int, required=True)
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()

    import ctranslate2
    import sentencepiece

    source = sentencepiece.SentencePieceProcessor(model_file=f"{args.model_dir}/source.spm")
    translator = ctranslate2.Translator(args.ct2_dir, device="cpu", compute_type="int8", intra_threads=args.threads)
    options = dict(beam_size=args.beam, min_decoding_length=args.new_tokens, max_decoding_length=args.new_tokens)

    def translate(lines: list[str], **extra) -> list:
        batch = [source.encode(line, out_type=str) + ["</s>"] for line in lines]
        return translator.translate_batch(batch, **options, **extra)

    lines = [line.strip() for line in sys.stdin if line.strip()]
    if args.mode == "one-shot":
        for line in lines:
            print(source.decode_pieces(translate([line])[0].hypotheses[0]), flush=True)
        return 0
    loaded = time.perf_counter()
    if args.mode == "document":
        results = translate(lines, max_batch_size=32)
        seconds = [time.perf_counter() - loaded]
    else:
        results, seconds = [], []
        for line in lines:
            begin = time.perf_counter()
            result = translate([line])
            source.decode_pieces(result[0].hypotheses[0])
            results += result
            seconds.append(time.perf_counter() - begin)
    tokens = sum(len(r.hypotheses[0]) for r in results)
    print(json.dumps({"tokens": tokens, "seconds": sum(seconds), "median_seconds": statistics.median(seconds),
                      "load_seconds": loaded - started, "sentences": len(lines)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
