"""The extractive engine on real news: whole sentences, lead first, nested tiers, nothing lost.

`data/news_excerpts.jsonl` holds the start of five articles of the dev set (four CNN/DailyMail,
one XSum; `id`, `article`, `reference`): quotations in curly quotes, a lead too long for one
line, photo captions without final punctuation, a 90-word text. The ROUGE measure itself
lives in bench/summaries.py; here the engine's promises are checked one by one.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from passeur.cli import Environment, cli
from passeur.summary.checks import FidelityIssue, copied, drop_supported
from passeur.summary.engine import SummaryRequest
from passeur.summary.extractive import ExtractiveEngine
from passeur.summary.prompts import load_prompts
from passeur.summary.selection import leans_back, quote_balance, repeats, select, split_run_ons, split_units
from passeur.summary.shape import TIERS, check_shape, count_words, shape_for, split_sentences
from passeur.summary.summarizer import summarize

DATA = Path(__file__).parent / "data"
NEWS = [json.loads(line) for line in (DATA / "news_excerpts.jsonl").read_text(encoding="utf-8").splitlines()]
PROMPTS = load_prompts(environ={})


def words_of(text: str) -> str:
    return " ".join(text.split())


def request(tier: str, text: str) -> SummaryRequest:
    shape = shape_for(tier, text)
    return SummaryRequest(tier, text, min_words=shape.min_words, max_words=shape.max_words)


@pytest.mark.parametrize("item", NEWS, ids=[item["id"] for item in NEWS])
def test_news_tiers_are_in_shape_nested_copied_and_untouched(item):
    text = item["article"]
    engine = ExtractiveEngine()
    result = summarize(text, engine=engine, prompts=PROMPTS)  # passeur's own checker
    tiers = result.tiers()
    fidelity = result.fidelity.to_json()
    assert fidelity["checked"] and fidelity["ok"]
    assert not any(fidelity[k] for k in ("repaired", "dropped", "regenerated", "trimmed", "unresolved", "shape"))
    source = words_of(text)
    for tier in TIERS:
        assert tiers[tier].strip() and check_shape(tier, tiers[tier], text) == [], tier
        # nothing between the engine and the reader: what it selected is what comes out
        assert tiers[tier] == ExtractiveEngine().generate(request(tier, text)), tier
        for sentence in split_sentences(tiers[tier]):
            assert words_of(sentence.text) in source, (tier, sentence.text)
    one, paragraph, full = (tiers[t] for t in TIERS)
    assert len(split_sentences(one)) == 1 and count_words(one) <= 30
    assert one in paragraph
    if shape_for("full", text).max_words >= 60:  # room for a paragraph inside the full summary
        assert count_words(full) >= count_words(paragraph)
        for sentence in split_sentences(text):
            if sentence.text in paragraph:
                assert sentence.text in full


@pytest.mark.parametrize("item", NEWS, ids=[item["id"] for item in NEWS])
def test_the_lead_leads(item):
    text = item["article"]
    units = [u for u in split_units(text) if not u.caption]
    selection = select(text, shape_for("paragraph", text).max_words, shape_for("full", text).max_words)
    (one,) = selection.one_line
    assert one.index < 4 or all(u.words > 30 for u in units[:4])  # the news is in the first sentences
    assert selection.paragraph[0].text == units[0].text  # the paragraph reads on from the start
    chosen = {u.text for u in selection.full}
    said = set(one.terms)
    last = max((u.index for u in selection.full if u != one), default=-1)
    for unit in units[:last + 1]:  # the full tier too: the lead on, passing over only repeats
        assert unit.text in chosen or repeats(unit, said), unit.text
        said |= unit.terms.keys() if unit.text in chosen else set()


def test_the_one_line_is_no_sentence_cut_after_a_title():
    # the splitter ends a sentence after "Spc."; such a piece does not read alone
    text = ("Cheryl Silvonek, 54, was stabbed in the driveway of her home on March 15 after meeting Army Spc. "
            "Jacob Sullivan, the police said. The case is due back in court in May. Neighbours described the "
            "family as quiet and friendly.")
    units = split_units(text)
    assert units[0].text.endswith("Army Spc.")  # what the splitter does (if it stops, so can this test)
    (one,) = select(text, 150, 60).one_line
    assert not one.text.endswith("Spc.")


def test_the_one_line_does_not_open_with_a_pronoun_when_a_sentence_reads_alone():
    # the first two sentences are too long for one line, the third leans on them ("It")
    text = ("Europe's electricity grid operators said on Tuesday that the coming winter would be tighter than last "
            "year because several nuclear reactors remain offline and gas storage is lower than planned across the "
            "continent. "
            "In its seasonal outlook, the European Network of Transmission System Operators for Electricity said "
            "that France, Belgium and Poland faced the highest risk of shortfalls in January and February, when "
            "demand peaks. "
            "It estimated that peak demand could reach 102 gigawatts in France alone. Prices have already reacted. "
            "Futures for baseload power delivered in the first quarter rose 14% over the past month, to €118 per "
            "megawatt-hour, according to traders. Utilities said households on regulated tariffs would be shielded.")
    (one,) = select(text, 150, 60).one_line
    assert one.text.startswith("Futures for baseload power")
    # with nothing else that reads alone nearby, the pronoun sentence is still better than none
    (one,) = select(text.split(" Futures")[0], 150, 60).one_line
    assert one.text.startswith("It estimated")


SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.mark.parametrize("text", [item["article"] for item in NEWS] + [
    (SAMPLES / name).read_text(encoding="utf-8") for name in ("03_energy_report.en.txt", "04_floating_solar.en.txt")])
def test_no_chosen_sentence_leans_on_one_left_out(text):
    # "It estimated that..." without the sentence that says who "it" is reads as nonsense
    selection = select(text, shape_for("paragraph", text).max_words, shape_for("full", text).max_words)
    units = [u for u in split_units(text) if not u.caption]
    for tier in (selection.paragraph, selection.full):
        chosen = [units[u.index] for u in tier]
        said = {word for unit in chosen for word in unit.terms}
        assert not any(leans_back(unit, units, [c for c in chosen if c != unit], said - unit.terms.keys())
                       for unit in chosen), [u.text[:40] for u in tier]


def test_a_quote_whose_speaker_is_left_out_is_not_taken():
    # a CNN/DailyMail dev article (copied into tests/data): "He said: 'I've got some nice
    # experiences...'" follows a photo caption; the sentence naming "he" is not in the tier
    (item,) = [json.loads(line) for line in (DATA / "news_leaning.jsonl").read_text(encoding="utf-8").splitlines()]
    text = item["article"]
    assert "Dortmund on Wednesday He said: 'I've got some nice experiences" in text
    selection = select(text, shape_for("paragraph", text).max_words, shape_for("full", text).max_words)
    assert not any(u.text.startswith("He said: 'I've got") for u in selection.paragraph + selection.full)


def test_the_energy_sample_paragraph_reads_from_the_lead():
    text = (SAMPLES / "03_energy_report.en.txt").read_text(encoding="utf-8")
    selection = select(text, shape_for("paragraph", text).max_words, shape_for("full", text).max_words)
    assert selection.paragraph[0].text.startswith("Europe's electricity grid operators said on Tuesday")
    assert {u.section for u in selection.full} == {0, 1, 2}  # every section still covered


def test_units_never_start_or_end_inside_a_quotation():
    text = ("The mayor of Riverside spoke to residents on Monday evening. “We will rebuild the bridge. It will "
            "take two years. Nobody will be left behind,” she said to applause. Work starts in May. ‘I’m "
            "relieved. The farmers’ market can open again,’ said one trader.")
    units = split_units(text)
    assert [u.text for u in units] == [
        "The mayor of Riverside spoke to residents on Monday evening.",
        "“We will rebuild the bridge. It will take two years. Nobody will be left behind,” she said to applause.",
        "Work starts in May.",
        "‘I’m relieved. The farmers’ market can open again,’ said one trader.",
    ]
    for item in NEWS:
        for unit in split_units(item["article"]):
            assert quote_balance(unit.text) == (0, 0), unit.text


@pytest.mark.parametrize("sentence, parts", [
    # a photo caption run into the lead, as pasted from a news page
    ("People who have never been divorced can expect a retirement income 13% higher than a colleague The cost of "
     "divorce can wreck retirement many years after the break-up of a marriage, according to research.",
     [("People who have never been divorced can expect a retirement income 13% higher than a colleague", True),
      ("The cost of divorce can wreck retirement many years after the break-up of a marriage, according to "
       "research.", False)]),
    ("Riddick Bowe is now offering to post tweets for $20 He was once the double heavyweight champion of the world.",
     [("Riddick Bowe is now offering to post tweets for $20", True),
      ("He was once the double heavyweight champion of the world.", False)]),
    # page furniture
    ("Scroll down for video The six men met secretly to plan their travels, the complaint says.",
     [("Scroll down for video", True), ("The six men met secretly to plan their travels, the complaint says.", False)]),
    # a quotation that ends the sentence the splitter missed: a seam, but no caption
    ("He said: ‘It’s giving them a chance.’ He said Labour had left a system that trapped people.",
     [("He said: ‘It’s giving them a chance.’", False), ("He said Labour had left a system that trapped people.", False)]),
    # no seam: a title after a lower-case word, a short piece, a capitalised common noun
    ("The memo was seen by The Mail on Sunday before the election.", None),
    ("Cut to 20/1 The bookmaker said nothing more about it.", None),
    ("Grade A students were offered places at the college this year.", None),
])
def test_a_caption_run_into_a_sentence_is_cut_off(sentence, parts):
    assert split_run_ons(sentence) == (parts or [(sentence, False)])


def test_captions_and_repeats_are_never_chosen():
    caption = "Rhodri Giggs outside Manchester Magistrates Court yesterday, where he was banned from driving"
    lead = ("The brother of ex-footballer Ryan Giggs has lost his job as a HGV driver after being banned from the "
            "roads for driving without insurance.")
    repeat = "Ryan Giggs's brother has lost his job as a HGV driver after being banned from driving."
    rest = ("Magistrates heard he already had points on his licence for speeding. He was fined £400 and told to pay "
            "costs of £85. Arriving at court in a black blazer and jeans, he said the offence was not intentional. "
            "His employer said it could not keep a driver without a licence. He plans to appeal against the ban.")
    text = f"{caption} {lead} {repeat} {rest}"
    selection = select(text, 150, 60)
    assert [u.text for u in selection.one_line] == [lead]  # the news, not the caption run into it
    for tier in (selection.paragraph, selection.full):
        texts = [u.text for u in tier]
        assert texts[0] == lead and caption not in " ".join(texts) and repeat not in texts
        assert "He plans to appeal against the ban." in texts  # the room went to what is new
    tiers = summarize(text, engine=ExtractiveEngine(), prompts=PROMPTS).tiers()
    assert all(caption not in tiers[t] for t in TIERS)


def test_a_pronoun_whose_name_was_in_a_dropped_caption_does_not_open_the_paragraph():
    text = ("Riddick Bowe was once the world's best heavyweight and is now offering to post tweets for $20 He was "
            "once the double heavyweight champion, with a rumoured fortune of $15million. Now Riddick Bowe, of "
            "Maryland, tweets birthday messages and adverts for anyone who pays him $20. The 46-year-old offered "
            "to 'tweet anything' for people who pay him through PayPal, sharing the messages with his 450,000 "
            "followers. His offer was met with sympathy by fans who remembered his fights in the 1990s. Bowe "
            "filed for bankruptcy in 2005 and spent 17 months in prison for kidnapping his estranged wife.")
    selection = select(text, 150, 200)
    assert selection.paragraph[0].text.startswith("Now Riddick Bowe")
    assert not any(u.text.startswith("He was once") for u in selection.full)


class CopyingEngine(ExtractiveEngine):
    """Answers every tier with planned sentences, as a verbatim engine (or not)."""

    def __init__(self, answer: str, verbatim: bool) -> None:
        super().__init__()
        self.answer, self.verbatim = answer, verbatim

    def generate(self, request: SummaryRequest) -> str:
        return self.answer


CAPTIONED = ("Volunteers in the harbour town of Saltby carried sandbags to the flooded quay for a third day on Sunday. "
             "Pictured: a volunteer hands a sandbag to a neighbour on the quay while the water rises behind them")


@pytest.mark.parametrize("verbatim", [True, False])
def test_a_last_sentence_without_final_punctuation_is_kept_when_copied(verbatim):
    # a photo caption has no full stop, like a model's answer cut off by the token limit: the
    # clean-up meant for the latter drops it, but never from a verbatim engine's answer
    text = CAPTIONED + "\n" + " ".join(["The river is expected to fall on Tuesday, the council said."] * 30)
    result = summarize(text, tiers=["full"], engine=CopyingEngine(CAPTIONED, verbatim), prompts=PROMPTS,
                       checker=lambda summary: [])
    assert (result.full == CAPTIONED) is verbatim


def test_a_text_in_paragraphs_without_headings_is_covered_and_nothing_is_cut():
    # about 450 words in 15 lines: sections of about 120 words, each to be covered by the full tier
    lead = [f"Volunteers in the harbour town of Saltby carried sandbags to the flooded quay for the {day} day "
            f"running on Sunday, as the river rose again after a week of heavy rain across the region."
            for day in ("first", "second", "third")]
    caption = ("Pictured: a volunteer from Saltby hands a sandbag to a neighbour on the quay while the water "
               "rises behind them, on the third day of the floods that have cut the town off from the coast road")
    later = [f"Update {n}: council officers in Saltby said the pumps on the quay would run through the night "
             f"and that the coast road would stay closed until the water level had fallen." for n in range(1, 12)]
    text = "\n".join(lead + [caption] + later)
    result = summarize(text, engine=ExtractiveEngine(), prompts=PROMPTS, checker=lambda summary: [])
    for tier in TIERS:
        assert getattr(result, tier) == ExtractiveEngine().generate(request(tier, text)), tier
    assert check_shape("full", result.full, text) == []
    assert not result.fidelity.dropped and not result.fidelity.trimmed and not result.fidelity.shape


@pytest.mark.parametrize("text", [
    "Lumora won the contract on Tuesday.",
    "Lumora won the contract on Tuesday",  # one short line without a full stop reads like a heading
    "# Lumora wins the Markermeer contract\n\n## Parliament votes in June",
    "Lumora won the contract on Tuesday. The farm will float on a lake near Lelystad. Parliament votes in June, "
    "and building starts in the spring of 2026 if the vote goes its way.",
    next(item["article"] for item in NEWS if count_words(item["article"]) < 120),
])
def test_short_sources_give_short_tiers_never_empty(text):
    result = summarize(text, engine=ExtractiveEngine(), prompts=PROMPTS, checker=lambda summary: [])
    for tier in TIERS:
        produced = getattr(result, tier)
        assert produced.strip(), tier
        assert count_words(produced) <= max(count_words(text), 1)
        assert check_shape(tier, produced, text) == [], (tier, produced)


VERBATIM = ("Doctors in Leeds said the girl weighed just 7st when she was admitted to hospital in March. "
            "Officials counted 2 226 ballots in the town of Riverside on Monday, and the result was declared at "
            "midnight. The council will meet again next week to discuss the count and the turnout, which was "
            "lower than at the last election. Candidates from three parties took part in the vote. The girl's "
            "parents thanked the nurses who cared for her during the long weeks of treatment on the children's "
            "ward. Her recovery has been slow but steady, according to the hospital, and she is expected to go "
            "home before the summer. In Riverside, the losing candidates said they would not ask for a recount, "
            "although the margin was narrow in two of the wards. The mayor said the town had shown that local "
            "democracy was alive and well, and thanked the volunteers who had counted the ballots through the "
            "night. A report on the election will be published by the council in the autumn.")


def run_summarize(args, stdin: str = ""):
    out, err = io.StringIO(), io.StringIO()
    env = Environment(io.BytesIO(stdin.encode("utf-8")), out, err, {})
    result = CliRunner().invoke(cli, ["summarize", *args], obj=env)
    return result, out.getvalue(), err.getvalue()


def test_verbatim_text_is_never_repaired_into_itself_and_strict_passes():
    result, out, err = run_summarize(["--engine", "extractive", "--strict", "--format", "json",
                                      "--source-lang", "en"], stdin=VERBATIM)
    assert result.exit_code == 0, err
    data = json.loads(out)
    assert data["fidelity"]["ok"] and not data["fidelity"]["repaired"] and not data["fidelity"]["unresolved"]
    for tier in ("paragraph", "full"):
        assert "weighed just 7st" in data[tier] and "counted 2 226 ballots" in data[tier]


SOURCE = ("Lumora has won a €2.4 billion contract, the government said on Tuesday. He paid $97.4 billion for "
          "the stake. The girl weighed 7st when she was admitted.")


@pytest.mark.parametrize("sentence, copied_", [
    ("The girl weighed 7st when she was admitted.", True),
    ("Lumora has won a €2.4 billion contract.", True),  # the trimmer's clause cut
    ("Lumora has won a €2.4 billion contract, the…", True),  # the trimmer's word cut
    ("He paid $97.", False),  # a prefix of a figure is no copy
    ("He paid $97.4 billion for the stake!", False),
    ("The girl weighed 7st.", False),  # the source goes on with a word, not a clause
])
def test_copied_means_word_for_word_up_to_a_boundary(sentence, copied_):
    assert copied(sentence, words_of(SOURCE)) is copied_


def test_only_issues_in_copied_sentences_or_no_op_repairs_are_dropped():
    summary = "The girl weighed 7st when she was admitted. She weighed 7st on Monday."
    first, second = summary.index("7st"), summary.rindex("7st")
    issues = [FidelityIssue("altered", "quantity", "7st", "7 st", first, first + 3),
              FidelityIssue("altered", "quantity", "7st", "7 st", second, second + 3),
              FidelityIssue("altered", "ordinal", "7st", "7st", second, second + 3)]
    assert drop_supported(issues, summary, words_of(SOURCE)) == [issues[1]]


def test_a_model_sentence_is_still_repaired_and_a_copied_one_is_left_alone():
    source = "Sales rose to $12.5 billion in 2024, the company said. The chief executive, Ana Ruiz, was pleased."
    found = "$12.5 billion"

    def checker(summary):  # flags the figure wherever it stands, as an over-eager reader might
        return [{"status": "altered", "kind": "money", "found": found, "expected": "$12.5bn",
                 "start": summary.index(found), "end": summary.index(found) + len(found)}] if found in summary else []

    copied_answer = "Sales rose to $12.5 billion in 2024, the company said."
    result = summarize(source, tiers=["one_line"], engine=CopyingEngine(copied_answer, verbatim=True),
                       prompts=PROMPTS, checker=checker)
    assert result.one_line == copied_answer and not result.fidelity.repaired
    written = "The company's sales reached $12.5 billion last year."
    result = summarize(source, tiers=["one_line"], engine=CopyingEngine(written, verbatim=False),
                       prompts=PROMPTS, checker=checker)
    assert "$12.5bn" in result.one_line and result.fidelity.repaired
