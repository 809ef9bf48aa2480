"""Language identification reads py3langid's model from an uncompressed cached copy: same rankings."""
from __future__ import annotations

from pathlib import Path

from passeur.text import language

DATA = Path(__file__).parent / "data"


def texts() -> list[str]:
    french = (DATA / "news_fr_sample.txt").read_text(encoding="utf-8").splitlines()[:150]
    english = (DATA / "summary_sample.en.txt").read_text(encoding="utf-8").split(". ")
    return french + english + ["", "ok", "Das ist ein deutscher Satz über das Wetter in Berlin.", "12 345,6 %"]


def test_cached_model_ranks_like_py3langid(tmp_path, monkeypatch):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    monkeypatch.setenv("PASSEUR_CACHE", str(tmp_path))
    language._identifier.cache_clear()
    try:
        ours = language._identifier()
        copies = list((tmp_path / "langid").glob("model-*/ptc.npy"))
        assert len(copies) == 1
        written = copies[0].stat().st_mtime_ns
        language._identifier.cache_clear()
        again = language._identifier()  # from the copy, not rebuilt
        assert list((tmp_path / "langid").glob("model-*/ptc.npy")) == copies
        assert copies[0].stat().st_mtime_ns == written  # a rebuild writes the same name anew
        stock = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        for text in texts():
            assert ours.rank(text) == stock.rank(text) == again.rank(text), text
    finally:
        language._identifier.cache_clear()


def test_unwritable_cache_falls_back_to_the_packed_model(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("PASSEUR_CACHE", str(blocker))
    language._identifier.cache_clear()
    try:
        assert language.detect_language("Le gouvernement a présenté lundi un plan de relance.")[0] == "fr"
    finally:
        language._identifier.cache_clear()
