"""Marian's tokenizer without transformers: sentencepiece and the model folder's vocabulary.

`MarianTokenizer` cuts the text with the folder's source.spm, looks the pieces up in
vocab.json and appends `</s>`; decoding joins the pieces with sentencepiece, special tokens
left out. `MarianSentencePiece` does exactly that, with the same ids and texts
(tests/test_tokenizer.py compares them on news sentences), without importing transformers
or torch: about 1.5 s and 300 MB of a one-shot call.

MarianTokenizer also carries a Moses punctuation normaliser (`.normalize`, with sacremoses)
but does not apply it when encoding (transformers 5): neither does this class, so both
backends feed the model the same ids.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

SPECIAL_TOKENS = ("</s>", "<unk>", "<pad>")
FILES = ("source.spm", "target.spm", "vocab.json")


def supports_marian_layout(model_dir: str | Path) -> bool:
    """True for a Marian folder with one shared vocabulary (opus-mt's layout)."""
    folder = Path(model_dir)
    if not all((folder / name).exists() for name in FILES):
        return False
    config = read_json(folder / "tokenizer_config.json")
    return config.get("tokenizer_class", "MarianTokenizer") == "MarianTokenizer" and not config.get("separate_vocabs")


class MarianSentencePiece:
    """Encode and decode like MarianTokenizer (source side, shared vocabulary), text in and out."""

    def __init__(self, model_dir: str | Path) -> None:
        import sentencepiece

        folder = Path(model_dir)
        config = read_json(folder / "tokenizer_config.json")
        self.vocab: dict[str, int] = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        self.pieces = {index: piece for piece, index in self.vocab.items()}
        self.unk_id = self.vocab[config.get("unk_token") or "<unk>"]
        self.eos_id = self.vocab[config.get("eos_token") or "</s>"]
        self.special = {token for token in SPECIAL_TOKENS if token in self.vocab}
        self._spm = sentencepiece.SentencePieceProcessor(model_file=str(folder / "source.spm"))

    def encode(self, text: str) -> list[int]:
        """The model's input ids for `text`, `</s>` last."""
        return [self.vocab.get(piece, self.unk_id) for piece in self.tokens(text)] + [self.eos_id]

    def tokens(self, text: str) -> list[str]:
        """The pieces of `text`: a leading >>xx<< code and special tokens kept whole."""
        pieces: list[str] = []
        if text.startswith(">>") and (end := text.find("<<")) != -1:
            pieces.append(text[: end + 2])
            text = text[end + 2 :]
        for chunk in _split_on(text, self.special):
            pieces.extend([chunk] if chunk in self.special else self._spm.encode(chunk, out_type=str))
        return pieces

    def piece(self, index: int) -> str:
        return self.pieces.get(index) or self._spm.id_to_piece(index) or "<unk>"

    def decode(self, pieces: Sequence[str]) -> str:
        """The text of generated pieces, special tokens left out."""
        kept = [p for p in pieces if p not in self.special]
        return self._spm.decode_pieces(kept).replace("\u2581", " ").strip()


class HuggingFacePieces:
    """Any other Hugging Face tokenizer behind the same methods (folders without Marian's files)."""

    def __init__(self, tokenizer) -> None:
        self.hf = tokenizer

    def encode(self, text: str) -> list[int]:
        return self.hf(text, add_special_tokens=True)["input_ids"]

    def piece(self, index: int) -> str:
        return self.hf.convert_ids_to_tokens(index)

    def decode(self, pieces: Sequence[str]) -> str:
        ids = self.hf.convert_tokens_to_ids(list(pieces))
        return self.hf.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=False)


def _split_on(text: str, specials: set[str]) -> list[str]:
    """`text` cut around each occurrence of a special token (kept as its own chunk)."""
    chunks = [text]
    for token in specials:
        cut: list[str] = []
        for chunk in chunks:
            if chunk in specials or token not in chunk:
                cut.append(chunk)
                continue
            parts = chunk.split(token)
            for i, part in enumerate(parts):
                if i:
                    cut.append(token)
                cut.append(part)
        chunks = cut
    return [chunk for chunk in chunks if chunk]


def read_json(path: Path) -> dict:
    """A JSON object from `path`, or {} when the file is missing or unreadable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
