"""The user glossary file: parsing, sniffing, matching, overriding, and every failure mode."""
import pytest
from hypothesis import given, settings, strategies as st

from passeur.fidelity.entry import Entry
from passeur.errors import DataFileError, ExitCode
from passeur.fidelity.termbase import Term, Termbase, load_termbase, parse_termbase


def write(tmp_path, content, name="glossary.csv"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def pairs(termbase):
    return [(t.source, t.target) for t in termbase]


# ---------------------------------------------------------------- reading


def test_csv_with_bom_comments_blank_lines_and_extra_columns(tmp_path):
    path = write(tmp_path, "\ufeff# a comment\n\nconseil régional,regional council,institution\n  # indented\njeune pousse,start-up,FR,EN\n")
    termbase = load_termbase(path)
    assert pairs(termbase) == [("conseil régional", "regional council"), ("jeune pousse", "start-up")]
    assert [t.line for t in termbase] == [3, 5]


def test_tsv_is_sniffed_and_commas_stay_in_fields(tmp_path):
    path = write(tmp_path, "Banque de France\tBank of France, the central bank\nIA\tAI\n", "g.tsv")
    assert pairs(load_termbase(path)) == [("Banque de France", "Bank of France, the central bank"), ("IA", "AI")]


def test_semicolon_csv_is_sniffed(tmp_path):
    assert pairs(load_termbase(write(tmp_path, "IA;AI\nPDG;CEO\n"))) == [("IA", "AI"), ("PDG", "CEO")]


def test_deepl_export_with_quotes_and_language_columns(tmp_path):
    path = write(tmp_path, '"Maison Blanche","White House",fr,en\n"Smith, Jones et Cie","Smith, Jones & Co",fr,en\n')
    assert pairs(load_termbase(path)) == [("Maison Blanche", "White House"), ("Smith, Jones et Cie", "Smith, Jones & Co")]


def test_header_row_is_skipped_and_fields_are_trimmed(tmp_path):
    assert pairs(load_termbase(write(tmp_path, "source,target\n  IA ,  AI  \n"))) == [("IA", "AI")]


def test_a_file_of_comments_only_is_an_empty_glossary(tmp_path):
    assert len(load_termbase(write(tmp_path, "# nothing yet\n\n"))) == 0


def test_the_shipped_sample_glossary_loads():
    from pathlib import Path

    sample = Path(__file__).parents[1] / "samples" / "glossary.csv"
    if not sample.exists():
        pytest.skip("no sample glossary")
    assert len(load_termbase(sample)) >= 1


# ---------------------------------------------------------------- errors: each names file and line


def error_of(tmp_path, content):
    path = write(tmp_path, content)
    with pytest.raises(DataFileError) as info:
        load_termbase(path)
    assert info.value.exit_code == ExitCode.USAGE
    assert str(info.value).startswith(str(path))
    return info.value


def test_missing_target_column(tmp_path):
    error = error_of(tmp_path, "# header comment\nIA,AI\nPDG\n")
    assert error.line == 3 and "two columns" in str(error) and str(error).startswith(f"{error.path}:3: ")


def test_duplicate_source_ignores_case(tmp_path):
    error = error_of(tmp_path, "IA,AI\n\nia,artificial intelligence\n")
    assert error.line == 3 and "duplicate source term 'ia'" in str(error) and "line 1" in str(error)


def test_duplicate_source_ignores_the_apostrophe_style(tmp_path):
    error = error_of(tmp_path, "l'IA,AI\nl’IA,the AI\n")
    assert error.line == 2 and "duplicate" in str(error)


def test_empty_source(tmp_path):
    error = error_of(tmp_path, "IA,AI\n  ,nothing\n")
    assert error.line == 2 and "empty source term" in str(error)


def test_empty_target(tmp_path):
    error = error_of(tmp_path, "IA,AI\nPDG,CEO\nBCE,\n")
    assert error.line == 3 and "empty target term" in str(error)


def test_field_over_1024_bytes(tmp_path):
    long_target = "é" * 513  # 1026 bytes in UTF-8, 513 characters
    error = error_of(tmp_path, f"IA,AI\nlong,{long_target}\n")
    assert error.line == 2 and "1026 bytes" in str(error) and "1024" in str(error)


def test_a_field_of_exactly_1024_bytes_is_fine(tmp_path):
    assert len(load_termbase(write(tmp_path, "x" * 1024 + ",y\n"))) == 1


def test_undecodable_bytes(tmp_path):
    error = error_of(tmp_path, b"IA,AI\nPDG,CEO\nsoci\xe9t\xe9,company\n")
    assert error.line == 3 and "not valid UTF-8" in str(error) and "0xe9" in str(error)


def test_unbalanced_quote(tmp_path):
    error = error_of(tmp_path, 'IA,AI\n"OpenAI,OpenAI\n')
    assert error.line == 2


def test_missing_file(tmp_path):
    path = tmp_path / "absent.csv"
    with pytest.raises(DataFileError) as info:
        load_termbase(path)
    assert info.value.line is None and str(info.value) == f"{path}: no such glossary file"


def test_directory(tmp_path):
    with pytest.raises(DataFileError, match="is a directory"):
        load_termbase(tmp_path)


# ---------------------------------------------------------------- finding terms


def termbase_of(*rows):
    return Termbase([Term(s, t, i + 1) for i, (s, t) in enumerate(rows)])


def test_find_keeps_the_target_case_and_reports_the_text_span():
    text = "L'Intelligence Artificielle avance. L’intelligence artificielle inquiète."
    (entry,) = termbase_of(("intelligence artificielle", "AI")).find(text)
    assert entry.kind == "term" and entry.target == "AI" and entry.count == 2
    assert text[entry.start:entry.end] == entry.source == "Intelligence Artificielle"
    assert entry.aliases == ("intelligence artificielle",)


def test_find_handles_elision_and_either_apostrophe():
    termbase = termbase_of(("IA", "AI"), ("l'Hexagone", "mainland France"))
    found = {(e.source, e.target) for e in termbase.find("d’IA et l’Hexagone, qu'IA encore")}
    assert found == {("IA", "AI"), ("l’Hexagone", "mainland France")}


def test_find_respects_word_boundaries():
    termbase = termbase_of(("IA", "AI"), ("Nil", "Nile"))
    assert termbase.find("VIA IAS Nilsson Nils iA-") == [Entry("term", "iA", "AI", 21, 23)]


def test_find_prefers_the_longest_term():
    termbase = termbase_of(("Banque", "bank"), ("Banque centrale européenne", "ECB"), ("centrale", "plant"))
    found = [(e.source, e.target) for e in termbase.find("La Banque centrale européenne et la banque.")]
    assert found == [("Banque centrale européenne", "ECB"), ("banque", "bank")]


def test_find_matches_across_any_whitespace():
    (entry,) = termbase_of(("Bretagne Sud", "South Brittany")).find("en Bretagne\u00a0Sud")
    assert entry.source == "Bretagne\u00a0Sud"


def test_terms_override_names_and_places_with_the_same_span():
    text = "La Maison Blanche et OpenAI, en Bretagne Sud."
    names = [
        Entry("place", "Maison Blanche", "White House", 3, 17),
        Entry("organization", "OpenAI", "OpenAI", 21, 27),
        Entry("place", "Bretagne", "Brittany", 32, 40),
    ]
    termbase = termbase_of(("maison blanche", "the White House (US)"), ("Bretagne Sud", "South Brittany"))
    merged = [(e.kind, e.source, e.target) for e in termbase.override(names, text)]
    assert merged == [
        ("term", "Maison Blanche", "the White House (US)"),
        ("organization", "OpenAI", "OpenAI"),
        ("term", "Bretagne Sud", "South Brittany"),
    ]


def test_an_empty_termbase_finds_nothing_and_overrides_nothing():
    names = [Entry("organization", "OpenAI", "OpenAI", 0, 6)]
    assert Termbase([]).find("OpenAI") == [] and Termbase([]).override(names, "OpenAI") == names


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèàç", min_size=2, max_size=12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(words, words), min_size=1, max_size=8, unique_by=lambda p: p[0]))
def test_written_tsv_reads_back_and_every_term_is_found(rows):
    termbase = parse_termbase("".join(f"{s}\t{t}\n" for s, t in rows), "g.tsv")
    assert pairs(termbase) == rows
    text = " ; ".join(s.upper() for s, _ in rows)
    found = {e.target for e in termbase.find(text)}
    assert found == {t for _, t in rows}


def test_occurrences_lists_every_occurrence_for_replacement():
    termbase = termbase_of(("IA", "AI"), ("Maison Blanche", "White House"))
    text = "L’IA à la Maison Blanche, puis l'ia encore."
    found = [(e.source, e.target, text[e.start:e.end]) for e in termbase.occurrences(text)]
    assert found == [("IA", "AI", "IA"), ("Maison Blanche", "White House", "Maison Blanche"), ("ia", "AI", "ia")]


def test_a_glossary_file_is_read_once_until_it_changes(tmp_path):
    """Each batch worker and each English file of `batch --what brief` asks for the glossary."""
    import os

    from passeur.fidelity.termbase import load_termbase

    path = tmp_path / "g.csv"
    path.write_text("conseil régional,regional council\n", encoding="utf-8")
    first = load_termbase(path)
    assert load_termbase(str(path)) is first
    path.write_text("conseil régional,regional assembly\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a new modification time, whatever the clock's resolution
    second = load_termbase(path)
    assert second is not first and second.terms[0].target == "regional assembly"
