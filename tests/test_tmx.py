"""TMX export: valid XML, the TMX 1.4 structure CAT tools expect, and a round trip of the pairs."""
import io
import xml.etree.ElementTree as ET

from click.testing import CliRunner

from fakes import ScriptedEngine
from passeur.cli import Environment, cli
from passeur.memory.engine import MemoryEngine
from passeur.memory.store import TranslationMemory
from passeur.memory.tmx import read_tmx, render_tmx

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SOURCES = [
    "Sam Altman a rejeté l’offre de 97,4 milliards de dollars.",
    "Les « guillemets » & <balises> restent \"intacts\" d'un bout à l'autre.",
    "Émoji 🚀, espaces insécables 1 500 et ligatures œuvre.",
    "Une phrase sans rien de spécial.",
]
ROOT = cli


class Described(ScriptedEngine):
    def describe(self):
        return {"engine": "transformers", "model": "Helsinki-NLP/opus-mt-fr-en", "revision": "0123abcd",
                "beam_size": 4}


def english(sentence):
    return f"EN: {sentence}"


def fill(path, finals=True):
    with TranslationMemory(path) as memory:
        engine = MemoryEngine(Described(english), memory)
        engine.translate(SOURCES, n_best=4)
        if finals:
            engine.remember_final(SOURCES[0], "Sam Altman rejected the $97.4 billion offer.")
        engine.end_document()
        return list(memory.entries())


def validate(root):
    """The structure TMX 1.4 requires (the parts CAT tools check on import)."""
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header, body = list(root)
    assert header.tag == "header" and body.tag == "body"
    for attribute in ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype"):
        assert header.get(attribute), attribute
    assert header.get("creationtool") == "passeur" and header.get("srclang") == "fr"
    assert header.get("segtype") == "sentence" and header.get("datatype") == "plaintext"
    for unit in body:
        assert unit.tag == "tu"
        children = [child.tag for child in unit]
        assert children == sorted(children, key=lambda tag: tag != "prop")  # props before tuvs
        langs = [tuv.get(XML_LANG) for tuv in unit.findall("tuv")]
        assert langs == ["fr", "en"]
        for tuv in unit.findall("tuv"):
            assert [child.tag for child in tuv] == ["seg"]
        assert len(unit.get("creationdate")) == 16 and unit.get("creationdate").endswith("Z")
    return body


def test_export_is_valid_tmx_and_round_trips(tmp_path):
    entries = fill(tmp_path / "m.sqlite3")
    text = render_tmx(entries)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    body = validate(ET.fromstring(text.encode("utf-8")))
    assert len(body) == len(SOURCES)
    pairs = {unit["fr"]: unit["en"] for unit in read_tmx(text)}
    expected = {s: english(s) for s in SOURCES}
    expected[SOURCES[0]] = "Sam Altman rejected the $97.4 billion offer."
    assert pairs == expected
    props = read_tmx(text)[0]["props"]
    assert props["x-passeur-model"] == "Helsinki-NLP/opus-mt-fr-en" and props["x-passeur-revision"] == "0123abcd"
    assert {unit["props"]["x-passeur-origin"] for unit in read_tmx(text)} == {"final", "model"}


def test_characters_xml_cannot_hold_are_dropped_not_fatal():
    entry = {"model": "m", "revision": "", "source": "Bip\x07 ici\x00.", "hypotheses": ["Beep\x1b here."],
             "final": None, "created": 0, "used": 0, "hits": 0}
    units = read_tmx(render_tmx([entry]))
    assert units == [{"props": {"x-passeur-model": "m", "x-passeur-origin": "model"}, "fr": "Bip ici.",
                      "en": "Beep here."}]


def test_empty_memory_exports_a_valid_empty_tmx(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    env = Environment(io.BytesIO(), out, err, {})
    result = CliRunner().invoke(ROOT, ["tm", "export", "--tm", str(tmp_path / "none.sqlite3")], obj=env)
    assert result.exit_code == 0, err.getvalue()
    assert len(validate(ET.fromstring(out.getvalue()))) == 0


def test_cli_export_to_a_file(tmp_path):
    path = tmp_path / "m.sqlite3"
    fill(path, finals=False)
    target = tmp_path / "out" / "memory.tmx"
    out, err = io.StringIO(), io.StringIO()
    env = Environment(io.BytesIO(), out, err, {"PASSEUR_TM": str(path)})
    result = CliRunner().invoke(ROOT, ["tm", "export", "--format", "tmx", "-o", str(target)], obj=env)
    assert result.exit_code == 0, err.getvalue()
    assert out.getvalue() == "" and [p.name for p in target.parent.iterdir()] == ["memory.tmx"]
    units = read_tmx(target.read_text(encoding="utf-8"))
    assert sorted(unit["fr"] for unit in units) == sorted(SOURCES)


def test_cli_export_model_filter(tmp_path):
    path = tmp_path / "m.sqlite3"
    fill(path)
    for model, count in (("Helsinki-NLP/opus-mt-fr-en", len(SOURCES)), ("someone/else", 0)):
        out = io.StringIO()
        env = Environment(io.BytesIO(), out, io.StringIO(), {})
        result = CliRunner().invoke(ROOT, ["tm", "export", "--tm", str(path), "--model", model], obj=env)
        assert result.exit_code == 0 and len(read_tmx(out.getvalue())) == count


def test_cli_export_to_an_unwritable_place_is_exit_6(tmp_path):
    path = tmp_path / "m.sqlite3"
    fill(path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    err = io.StringIO()
    env = Environment(io.BytesIO(), io.StringIO(), err, {})
    result = CliRunner().invoke(ROOT, ["tm", "export", "--tm", str(path), "-o", str(blocker / "x.tmx")], obj=env)
    assert result.exit_code == 6 and "x.tmx" in err.getvalue() and err.getvalue().count("\n") == 1
