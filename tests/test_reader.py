import io

import pytest

from passeur.errors import InputError
from passeur.textio.reader import decode_bytes, read_input

FRENCH = "Le loyer médian d’un studio à Paris atteint 1 020 € par mois.\nÉlodie paie 3,50 €.\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_common_encodings_decode_to_the_same_text(encoding):
    assert decode_bytes(FRENCH.encode(encoding), "f.txt").text == FRENCH


def test_latin1_without_euro_sign_decodes():
    text = "Élodie a acheté un billet à Orléans pour la fête.\n"
    assert decode_bytes(text.encode("latin-1"), "f.txt").text == text


def test_crlf_becomes_lf():
    assert decode_bytes(b"a\r\nb\rc", "f").text == "a\nb\nc"


@pytest.mark.parametrize("data", [b"%PDF-1.7\n...", b"\x89PNG\r\n\x1a\n\x00\x00", b"abc\x00def" * 10])
def test_binary_is_refused(data):
    with pytest.raises(InputError, match="binary"):
        decode_bytes(data, "x.bin")


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_input(str(tmp_path / "nope.txt"))


def test_directory(tmp_path):
    with pytest.raises(InputError, match="directory"):
        read_input(str(tmp_path))


def test_stdin_dash():
    assert read_input("-", io.BytesIO("Bonjour\n".encode())).text == "Bonjour\n"


def test_empty_is_empty():
    assert decode_bytes(b"", "e.txt").text == ""
