"""Models and inputs for the benchmark, built locally in seconds (nothing is downloaded).

Speed does not depend on weight values, so the benchmark runs a randomly initialised
MarianMT with the exact opus-mt-fr-en architecture. A sentencepiece vocabulary is trained
on the French text below and padded with filler pieces to opus-mt's 59,514 entries, so the
embedding and output layers have their real size. Segments are cut from the same text to
token lengths drawn from a news-like distribution.

A tiny model trained to copy its input (outputs predictable, margins clear) serves to
measure how often an int8 path changes an output compared with fp32.
"""
from __future__ import annotations

import io
import json
import random
from pathlib import Path

OPUS_VOCAB = 59514
FRENCH_TEXT = """\
Le milliardaire Elon Musk a proposé lundi de racheter OpenAI pour 97,4 milliards de dollars.
Sam Altman, le patron de l'entreprise, a aussitôt rejeté l'offre sur le réseau social X.
OpenAI a été fondée en 2015 comme une organisation à but non lucratif, avec l'appui de plusieurs investisseurs.
Elon Musk a quitté le conseil d'administration en 2018, après un désaccord sur la direction à suivre.
Sa propre société d'intelligence artificielle, xAI, a levé plusieurs milliards depuis sa création.
La Maison Blanche n'a pas souhaité commenter ces informations dans l'immédiat.
Le projet Stargate prévoit d'investir jusqu'à 500 milliards de dollars dans des centres de données aux États-Unis.
Selon les analystes de Baron Capital Group, la valeur de l'entreprise dépasserait désormais 157 milliards.
Les négociations, qui duraient depuis le mois d'octobre dernier, ont été suspendues mardi soir.
À Paris, le gouvernement a présenté un plan de soutien à l'industrie de 12,5 milliards d'euros.
Le ministre de l'Économie a estimé que la croissance atteindrait 1,2 % l'an prochain, contre 0,9 % cette année.
Les syndicats appellent à une nouvelle journée de grève le 3 mars, la troisième depuis le début de l'année.
La température moyenne a augmenté de 1,5 °C depuis l'ère préindustrielle, selon le dernier rapport du GIEC.
Dans un entretien accordé au journal Le Monde, la présidente de la Commission européenne a défendu le texte.
Cette décision, attendue depuis des mois, pourrait avoir des conséquences importantes pour les consommateurs.
Les prix de l'énergie ont baissé de 8 % en un an, mais restent nettement supérieurs à leur niveau de 2019.
Le tribunal de commerce de Lyon a placé l'entreprise en redressement judiciaire jeudi matin.
Plus de 1 500 salariés sont concernés par ce plan, qui prévoit la fermeture de trois sites en France.
La ville de Marseille accueillera les épreuves de voile des Jeux olympiques, a confirmé le comité d'organisation.
Il faudra toutefois attendre la fin du XXIe siècle pour mesurer pleinement les effets de ces réformes.
Le Premier ministre s'est rendu à Bruxelles pour rencontrer ses homologues allemand et italien.
Les chercheurs de l'Institut Pasteur ont publié une étude sur l'efficacité du nouveau vaccin.
Le chiffre d'affaires du groupe a progressé de 4,3 % au premier trimestre, à 9,74 milliards d'euros.
Malgré la pluie, des milliers de personnes se sont rassemblées place de la République samedi après-midi.
La Banque centrale européenne a maintenu ses taux directeurs inchangés, comme l'attendaient les marchés.
Le texte sera examiné par le Sénat à partir du 15 avril, avant un vote solennel prévu à la fin du mois.
D'après l'Insee, le taux de chômage s'établit à 7,3 % de la population active au dernier trimestre.
Les discussions reprendront la semaine prochaine à Genève, sous l'égide des Nations unies.
"""


def french_sentences() -> list[str]:
    """The sample French news sentences the tokenizer and segments come from."""
    return [line for line in FRENCH_TEXT.splitlines() if line.strip()]


def train_sentencepiece(sentences: list[str], vocab_size: int) -> bytes:
    """A unigram sentencepiece model trained on `sentences`, as bytes (quiet)."""
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences * 4),
        model_writer=buffer,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        model_type="unigram",
        character_coverage=1.0,
        unk_id=0,
        bos_id=-1,
        eos_id=-1,
        pad_id=-1,
        minloglevel=2,
        num_threads=1,
    )
    return buffer.getvalue()


def write_marian_tokenizer(dest: Path, spm_bytes: bytes, vocab_size: int) -> dict:
    """Write source.spm/target.spm/vocab.json like opus-mt: </s>=0, <unk>=1, <pad>=last."""
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=spm_bytes)
    vocab = {"</s>": 0, "<unk>": 1}
    for i in range(processor.get_piece_size()):
        vocab.setdefault(processor.id_to_piece(i), len(vocab))
    if len(vocab) >= vocab_size:
        raise ValueError(f"vocab_size {vocab_size} is smaller than the sentencepiece vocabulary ({len(vocab) + 1})")
    while len(vocab) < vocab_size - 1:
        vocab[f"\u2581filler{len(vocab)}"] = len(vocab)
    vocab["<pad>"] = vocab_size - 1
    (dest / "source.spm").write_bytes(spm_bytes)
    (dest / "target.spm").write_bytes(spm_bytes)
    (dest / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    config = {
        "tokenizer_class": "MarianTokenizer",
        "source_lang": "fr",
        "target_lang": "en",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "model_max_length": 512,
        "separate_vocabs": False,
    }
    (dest / "tokenizer_config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    return vocab


def marian_config(size: str, vocab_size: int) -> dict:
    """config.json for `size` 'opus' (opus-mt-fr-en's architecture) or 'tiny'."""
    dims = {
        "opus": dict(d_model=512, layers=6, heads=8, ffn=2048, positions=512),
        "tiny": dict(d_model=64, layers=2, heads=4, ffn=128, positions=256),
    }[size]
    return {
        "architectures": ["MarianMTModel"],
        "model_type": "marian",
        "activation_function": "swish",
        "d_model": dims["d_model"],
        "encoder_layers": dims["layers"],
        "decoder_layers": dims["layers"],
        "encoder_attention_heads": dims["heads"],
        "decoder_attention_heads": dims["heads"],
        "encoder_ffn_dim": dims["ffn"],
        "decoder_ffn_dim": dims["ffn"],
        "max_position_embeddings": dims["positions"],
        "vocab_size": vocab_size,
        "decoder_vocab_size": vocab_size,
        "scale_embedding": True,
        "share_encoder_decoder_embeddings": True,
        "static_position_embeddings": True,
        "normalize_before": False,
        "normalize_embedding": False,
        "dropout": 0.1,
        "attention_dropout": 0.0,
        "activation_dropout": 0.0,
        "bos_token_id": 0,
        "eos_token_id": 0,
        "pad_token_id": vocab_size - 1,
        "decoder_start_token_id": vocab_size - 1,
        "forced_eos_token_id": None,
        "is_encoder_decoder": True,
    }


def build_random_marian(dest: Path, *, size: str = "opus", seed: int = 0) -> Path:
    """Write a randomly initialised Marian model folder with a matching tokenizer."""
    import torch
    from transformers import MarianConfig, MarianMTModel

    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    vocab_size = OPUS_VOCAB if size == "opus" else 400
    spm_bytes = train_sentencepiece(french_sentences(), 800 if size == "opus" else 300)
    write_marian_tokenizer(dest, spm_bytes, vocab_size)
    torch.manual_seed(seed)
    model = MarianMTModel(MarianConfig(**marian_config(size, vocab_size))).eval()
    model.save_pretrained(dest)
    write_generation_config(dest, vocab_size)
    return dest


def write_generation_config(dest: Path, vocab_size: int, **extra) -> None:
    """opus-mt's generation settings (pad never generated), plus `extra` (e.g. fixed lengths)."""
    config = {
        "bos_token_id": 0,
        "eos_token_id": 0,
        "pad_token_id": vocab_size - 1,
        "decoder_start_token_id": vocab_size - 1,
        "bad_words_ids": [[vocab_size - 1]],
        "max_length": 512,
        "num_beams": 4,
        **extra,
    }
    (Path(dest) / "generation_config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")


def make_segments(count_tokens, count: int, *, seed: int = 0, median: int = 28, longest: int = 100) -> list[str]:
    """`count` French segments whose token lengths follow a news-like (log-normal) spread.

    `count_tokens(text)` counts model input tokens; each segment takes words from the
    sample text, in order, until it reaches its drawn length.
    """
    import math

    rng = random.Random(seed)
    words = [w.rstrip(".!?") for w in " ".join(french_sentences()).split()]
    segments, position = [], rng.randrange(len(words))
    for _ in range(count):
        target = max(5, min(longest, int(round(rng.lognormvariate(math.log(median), 0.5)))))
        taken: list[str] = []
        while not taken or count_tokens(_sentence(taken)) < target:
            taken.append(words[position % len(words)])
            position += 1
        segments.append(_sentence(taken))
    return segments


def _sentence(words: list[str]) -> str:
    """Words as one sentence: a capital first, one full stop at the end (so a sentence
    splitter keeps each segment whole)."""
    text = " ".join(words)
    return text[:1].upper() + text[1:] + "."


def build_trained_copy_marian(dest: Path, *, steps: int = 600, seed: int = 0) -> Path:
    """A tiny Marian (d_model 64, 2+2 layers) trained to copy French segments, cached in `dest`.

    Trained (not constructed) so that its margins look like a real model's: a fair test of
    whether int8 changes outputs. About a minute on one core; skipped when already built.
    """
    import torch
    from transformers import MarianConfig, MarianMTModel

    from .ct2_engine import load_tokenizer

    dest = Path(dest)
    stamp = {"kind": "trained-copy-marian", "steps": steps, "seed": seed, "version": 3}
    if read_stamp(dest) == stamp:
        return dest
    dest.mkdir(parents=True, exist_ok=True)
    vocab_size = 320
    write_marian_tokenizer(dest, train_sentencepiece(french_sentences(), 300), vocab_size)
    tokenizer = load_tokenizer(dest)
    config = marian_config("tiny", vocab_size) | dict(dropout=0.0, encoder_ffn_dim=256, decoder_ffn_dim=256)
    rng = random.Random(seed)
    torch.manual_seed(seed)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a tiny model: one thread is as fast, and robust to a busy machine
    model = MarianMTModel(MarianConfig(**config))
    optimizer = torch.optim.AdamW(model.parameters(), lr=4e-3)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=4e-3, total_steps=steps, pct_start=0.15)
    for _ in range(steps):
        batch = tokenizer(sample_copy_texts(rng, 64), return_tensors="pt", padding=True)
        labels = batch["input_ids"].masked_fill(batch["input_ids"] == vocab_size - 1, -100)
        loss = model(**batch, labels=labels).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        with torch.no_grad():  # like opus-mt: <pad> (the decoder start) embeds as zeros; the tied
            model.model.shared.weight[vocab_size - 1].zero_()  # output layer would train it otherwise
    torch.set_num_threads(threads)
    model.eval().save_pretrained(dest)
    write_generation_config(dest, vocab_size)
    (dest / "passeur-bench-stamp.json").write_text(json.dumps(stamp), encoding="utf-8")
    return dest


def sample_copy_texts(rng: random.Random, count: int, longest_words: int = 14) -> list[str]:
    """Training texts for the copy model: word windows of the sample text, half as sentences."""
    words = [w.rstrip(".!?") for w in " ".join(french_sentences()).split()]
    texts = []
    for _ in range(count):
        n = rng.randint(1, longest_words)
        start = rng.randrange(len(words) - n)
        window = words[start : start + n]
        texts.append(_sentence(window) if rng.random() < 0.5 else " ".join(window))
    return texts


def read_stamp(dest: Path) -> dict | None:
    try:
        return json.loads((Path(dest) / "passeur-bench-stamp.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
