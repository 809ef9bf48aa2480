from passeur.text.document import parse_document, render_document
from passeur.text.segmenter import Segment, split_long, split_sentences


def translate_upper(text):
    units = parse_document(text)
    for unit in units:
        for piece in unit.pieces:
            if piece.translate:
                piece.result = piece.text.upper()
    return units


def test_untouched_roundtrip_keeps_every_character():
    text = "# Titre\n\nUn paragraphe.  \n\n- un point\n- deux\n\n```\ncode ici\n```\n\n> citation\n"
    units = parse_document(text)
    for unit in units:
        for piece in unit.pieces:
            piece.result = piece.text
    assert render_document(units) == text


def test_markup_is_kept_and_prose_translated():
    text = "## Titre\n\n1. premier point\n* second `code_span` et https://example.org/a?b=c fin\n"
    out = render_document(translate_upper(text))
    assert out == "## TITRE\n\n1. PREMIER POINT\n* SECOND `code_span` ET https://example.org/a?b=c FIN\n"


def test_code_blocks_are_verbatim():
    text = "Texte.\n\n```python\nprint('bonjour')\n```\n\n    indenté code\n"
    out = render_document(translate_upper(text))
    assert "print('bonjour')" in out and "    indenté code" in out and "TEXTE." in out


def test_link_target_kept():
    out = render_document(translate_upper("Voir [la page](https://ex.org/page) ici."))
    assert out == "VOIR [LA PAGE](https://ex.org/page) ICI."


def test_hard_wrapped_paragraph_is_joined_but_headings_are_not():
    text = "Une phrase qui continue\nsur la ligne suivante.\nTitre suivant\nAutre ligne."
    units = parse_document(text)
    assert [u.source() for u in units] == [
        "Une phrase qui continue sur la ligne suivante.", "Titre suivant", "Autre ligne."]


def test_sentences_roundtrip():
    text = "M. Dupont est arrivé à 15 h 30. Il a payé 3,5 M€ au total !  Fin"
    segments = split_sentences(text)
    assert len(segments) == 3
    assert "".join(s.lead + s.text + s.trail for s in segments) == text


def test_long_sentence_is_split_without_loss():
    words = [f"mot{i}" for i in range(600)]
    text = " ".join(words)
    pieces = split_long(Segment("", text, ""), 40, lambda s: len(s.split()))
    assert all(len(p.text.split()) <= 40 for p in pieces)
    assert "".join(p.lead + p.text + p.trail for p in pieces) == text


def test_long_sentence_prefers_punctuation_breaks():
    text = ", ".join(" ".join(f"m{i}{j}" for j in range(10)) for i in range(6))
    pieces = split_long(Segment("", text, ""), 25, lambda s: len(s.split()))
    assert all(p.text.endswith(",") for p in pieces[:-1])
