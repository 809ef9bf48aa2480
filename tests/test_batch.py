"""`passeur batch`: mirrored trees, bad files isolated, atomic outputs, resume after an interrupt."""
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from fakes import ScriptedEngine
from passeur.batch import files, runner
from passeur.cli import Environment, cli
from passeur.errors import ModelUnavailableError


WORDS = ("le chat dort sur le canapé pendant que la pluie tombe doucement sur les toits de la ville "
         "et les enfants regardent par la fenêtre en attendant le retour du soleil au jardin").split()


def sentence(seed: int, length: int = 12) -> str:
    words = [WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(length)]
    return " ".join(words).capitalize() + "."


def french(seed: int, sentences: int) -> str:
    paragraphs = []
    for p in range(0, sentences, 4):
        paragraphs.append(" ".join(sentence(seed + p + i) for i in range(min(4, sentences - p))))
    return "\n\n".join(paragraphs) + "\n"


def digests(root: Path) -> dict:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def make_tree(root: Path) -> dict[str, str]:
    """~20 inputs of mixed sizes and kinds; returns the expected status of each."""
    expected = {}
    for i in range(14):
        folder = ["", "politique/", "economie/", "economie/2024/"][i % 4]
        name = f"{folder}article{i:02}.fr.txt" if i % 3 else f"{folder}note{i:02}.md"
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(french(i, 1 + (i * 5) % 23), encoding="utf-8")
        expected[name] = "ok"
    deep = root / "a" / "b" / "c" / "profond.fr.txt"
    deep.parent.mkdir(parents=True)
    deep.write_text(french(40, 3), encoding="utf-8")
    expected["a/b/c/profond.fr.txt"] = "ok"
    (root / "latin1.txt").write_bytes("Élodie a vu la fête à Orléans avec sa mère.\n".encode("latin-1"))
    expected["latin1.txt"] = "ok"
    (root / "photo.fr.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    expected["photo.fr.txt"] = "failed"
    (root / "bad.txt").write_bytes(bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D] * 30))
    expected["bad.txt"] = "failed"
    (root / "vide.txt").write_bytes(b"")
    expected["vide.txt"] = "skipped"
    (root / "blanc.md").write_text("  \n\n", encoding="utf-8")
    expected["blanc.md"] = "skipped"
    (root / "donnees.csv").write_text("a,b\n", encoding="utf-8")  # not matched by the default glob
    (root / ".cache").mkdir()
    (root / ".cache" / "cache.txt").write_text("caché", encoding="utf-8")  # hidden: never scanned
    return expected


def invoke(args, engine=None, factory=None, isatty=False):
    """Run the CLI in-process; `engine` is returned by every engine build (counted)."""
    out, err = io.StringIO(), io.StringIO()
    builds = []

    def make(model, **options):
        builds.append(model)
        return factory(model, **options) if factory else engine

    env = Environment(io.BytesIO(), out, err, {}, stderr_isatty=isatty,
                      make_translation_engine=make if (engine or factory) else None)
    result = CliRunner().invoke(cli, ["batch", *map(str, args)], obj=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, out.getvalue(), err.getvalue(), builds


def report_of(stdout: str) -> dict:
    return {item["file"]: item for item in json.loads(stdout)["files"]}


def wrap(s: str) -> str:
    return f"EN[{s}]"


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    return root, make_tree(root), tmp_path / "out"


# -- naming and globbing ----------------------------------------------------------------------
@pytest.mark.parametrize("name, what, out", [
    ("a/b.fr.txt", "translate", "a/b.en.txt"),
    ("x.md", "translate", "x.en.md"),
    ("x.FR.md", "translate", "x.en.md"),
    ("already.en.txt", "translate", "already.en.txt"),
    ("README", "translate", "README.en"),
    ("notes.fr", "translate", "notes.en"),
    ("a/b.fr.txt", "brief", "a/b.brief.md"),
    ("x.md", "brief", "x.brief.md"),
])
def test_output_names(name, what, out):
    assert runner.output_name(name, what) == out


@pytest.mark.parametrize("pattern, name, hit", [
    ("**/*.txt", "a.txt", True), ("**/*.txt", "x/y/z/a.txt", True), ("**/*.txt", "a.md", False),
    ("*.txt", "a.txt", True), ("*.txt", "x/a.txt", True), ("/*.txt", "x/a.txt", False), ("x/**", "x/y/a.md", True),
    ("**/*.fr.txt", "a/b.fr.txt", True), ("**/*.fr.txt", "a/b.txt", False), ("[ab]?.md", "b1.md", True),
    ("[[a]x", "[x", True), ("[a&&b]", "&", True), ("[!a]", "a", False), ("[]a]", "]", True),
])
def test_globs(pattern, name, hit):
    assert bool(files.glob_regex(pattern).fullmatch(name)) is hit


# -- a mixed folder ---------------------------------------------------------------------------
def test_mixed_tree_mirrors_isolates_bad_files_and_leaves_inputs_alone(tree):
    root, expected, out = tree
    before = digests(root)
    engine = ScriptedEngine(wrap)
    code, stdout, stderr, builds = invoke([root, out, "--json", "--source-lang", "fr"], engine=engine)
    assert code == 4
    assert digests(root) == before  # inputs byte-identical
    report = report_of(stdout)
    assert {name: item["status"] for name, item in report.items()} == expected
    assert "binary" in report["photo.fr.txt"]["reason"] and "decoded" in report["bad.txt"]["reason"]
    assert report["vide.txt"]["reason"] == "empty" and report["blanc.md"]["reason"] == "empty"
    # stderr: only the error, listing each failed file with its reason
    assert stderr.startswith("passeur: error: 2 of 20 file(s) failed:")
    assert "photo.fr.txt: looks like a binary file" in stderr and "bad.txt: cannot be decoded" in stderr
    written = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    ok = [name for name, status in expected.items() if status == "ok"]
    assert written == {runner.output_name(name) for name in ok} | {runner.MANIFEST_NAME}
    assert "a/b/c/profond.en.txt" in written and "economie/2024/note03.en.md" in written
    assert "note00.en.md" in written
    assert (out / "latin1.en.txt").read_text(encoding="utf-8") == "EN[Élodie a vu la fête à Orléans avec sa mère.]\n"
    assert len(builds) == 1  # one engine for the whole run
    for name in ok:  # each output is what `passeur translate` makes of that file
        single = io.StringIO()
        env = Environment(io.BytesIO(), single, io.StringIO(), {},
                          make_translation_engine=lambda m, **kw: ScriptedEngine(wrap))
        CliRunner().invoke(cli, ["translate", str(root / name), "--source-lang", "fr"], obj=env)
        assert (out / runner.output_name(name)).read_text(encoding="utf-8") == single.getvalue(), name
        assert report[name]["segments"] == single.getvalue().count("EN[")


def test_table_on_stdout_and_nothing_else_on_stderr(tmp_path):
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "un.fr.txt").write_text("Le chat dort. La pluie tombe.\n", encoding="utf-8")
    (root / "deux.md").write_text("# Titre\n\nLe jardin est beau.\n", encoding="utf-8")
    code, stdout, stderr, _ = invoke([root, tmp_path / "out", "--source-lang", "fr", "--stats"],
                                     engine=ScriptedEngine(wrap))
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0].split() == ["file", "status", "segments", "seconds", "reason"]
    assert lines[1].split()[:3] == ["deux.md", "ok", "2"] and lines[2].split()[:3] == ["sub/un.fr.txt", "ok", "2"]
    assert lines[-1].startswith("2 file(s): 2 ok, 0 skipped, 0 failed; 4 segment(s)")
    stats = json.loads(stderr)  # --stats: one JSON line, nothing else
    assert stats["segments"] == 4 and stats["source_tokens"] > 0


def test_progress_bars_only_on_a_terminal(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    (root / "un.txt").write_text("Le chat dort. La pluie tombe.\n", encoding="utf-8")
    code, _, stderr, _ = invoke([root, tmp_path / "o1", "--source-lang", "fr"], engine=ScriptedEngine(wrap))
    assert code == 0 and stderr == ""
    code, _, stderr, _ = invoke([root, tmp_path / "o2", "--source-lang", "fr"], engine=ScriptedEngine(wrap),
                                isatty=True)
    assert code == 0 and "files" in stderr and "1/1" in stderr


# -- folders ------------------------------------------------------------------------------------
@pytest.mark.parametrize("out", ["in", "in/out", "in/a/out", "."])
def test_overlapping_folders_are_refused(tmp_path, out):
    root = tmp_path / "in"
    (root / "a").mkdir(parents=True)
    (root / "a" / "x.txt").write_text("Le chat dort.\n", encoding="utf-8")
    before = digests(tmp_path)
    code, stdout, stderr, builds = invoke([root, tmp_path / out], engine=ScriptedEngine(wrap))
    assert code == 2 and "IN_DIR" in stderr and "Traceback" not in stderr
    assert digests(tmp_path) == before and builds == [] and stdout == ""


def test_missing_in_dir_is_exit_2(tmp_path):
    code, _, stderr, _ = invoke([tmp_path / "absent", tmp_path / "out"], engine=ScriptedEngine(wrap))
    assert code == 2 and "absent" in stderr and not (tmp_path / "out").exists()


def test_symlinks_leaving_in_dir_are_skipped(tmp_path):
    root, outside = tmp_path / "in", tmp_path / "outside"
    root.mkdir(), outside.mkdir()
    (outside / "secret.txt").write_text("Le secret est ici.\n", encoding="utf-8")
    (root / "vrai.txt").write_text("Le chat dort.\n", encoding="utf-8")
    (root / "lien.txt").symlink_to(outside / "secret.txt")
    (root / "dossier").symlink_to(outside, target_is_directory=True)
    (root / "alias.txt").symlink_to(root / "vrai.txt")
    code, stdout, _, _ = invoke([root, tmp_path / "out", "--json", "--source-lang", "fr"], engine=ScriptedEngine(wrap))
    report = report_of(stdout)
    assert code == 0 and set(report) == {"alias.txt", "lien.txt", "vrai.txt"}
    assert report["lien.txt"]["status"] == "skipped" and "outside IN_DIR" in report["lien.txt"]["reason"]
    assert report["alias.txt"]["status"] == "ok" and not (tmp_path / "out" / "lien.en.txt").exists()


def test_two_inputs_with_one_output_name(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.fr.txt").write_text("Le chat dort.\n", encoding="utf-8")
    (root / "a.txt").write_text("La pluie tombe.\n", encoding="utf-8")
    code, stdout, stderr, _ = invoke([root, tmp_path / "out", "--json", "--source-lang", "fr"],
                                     engine=ScriptedEngine(wrap))
    report = report_of(stdout)
    assert code == 4 and report["a.fr.txt"]["status"] == "ok"
    assert report["a.txt"]["status"] == "failed" and "its output a.en.txt is already the output of a.fr.txt" in report["a.txt"]["reason"]


def test_glob_overrides_the_default(tree):
    root, _, out = tree
    code, stdout, _, _ = invoke([root, out, "--glob", "economie/**/*.fr.txt", "--json", "--source-lang", "fr"],
                                engine=ScriptedEngine(wrap))
    assert code == 0 and set(report_of(stdout)) == {
        "economie/article02.fr.txt", "economie/article10.fr.txt", "economie/2024/article07.fr.txt",
        "economie/2024/article11.fr.txt"}


# -- resume -------------------------------------------------------------------------------------
def test_second_run_skips_everything_without_loading_a_model(tree):
    root, expected, out = tree
    code, _, _, _ = invoke([root, out, "--source-lang", "fr"], engine=ScriptedEngine(wrap))
    before = digests(out)

    def no_model(model, **options):
        raise AssertionError("the model must not be built when every file is done")

    code, stdout, _, builds = invoke([root, out, "--json", "--source-lang", "fr"], factory=no_model)
    report = report_of(stdout)
    assert code == 4 and builds == [] and digests(out) == before
    assert all(report[name]["status"] == "skipped" for name, status in expected.items() if status == "ok")
    assert report["latin1.txt"]["reason"].startswith("up to date")
    assert all(report[name]["status"] == "failed" for name, status in expected.items() if status == "failed")


def test_edited_input_changed_options_and_force_redo_files(tmp_path):
    root, out = tmp_path / "in", tmp_path / "out"
    root.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (root / name).write_text(f"Le chat {name[0]} dort.\n", encoding="utf-8")
    args = [root, out, "--json", "--source-lang", "fr"]
    invoke(args, engine=ScriptedEngine(wrap))
    (root / "b.txt").write_text("Le chien dort.\n", encoding="utf-8")
    _, stdout, _, _ = invoke(args, engine=ScriptedEngine(wrap))
    assert {k: v["status"] for k, v in report_of(stdout).items()} == {"a.txt": "skipped", "b.txt": "ok", "c.txt": "skipped"}
    assert (out / "b.en.txt").read_text() == "EN[Le chien dort.]\n"
    (out / "c.en.txt").write_text("tampered")  # an output that is not the one recorded is redone
    _, stdout, _, _ = invoke(args, engine=ScriptedEngine(wrap))
    assert [k for k, v in report_of(stdout).items() if v["status"] == "ok"] == ["c.txt"]
    _, stdout, _, _ = invoke([*args, "--beam-size", "2"], engine=ScriptedEngine(wrap))
    assert all(v["status"] == "ok" for v in report_of(stdout).values())
    _, stdout, _, _ = invoke([*args, "--beam-size", "2", "--force"], engine=ScriptedEngine(wrap))
    assert all(v["status"] == "ok" for v in report_of(stdout).values())


def test_an_edited_file_only_retranslates_what_changed_through_the_memory(tmp_path):
    root, out = tmp_path / "in", tmp_path / "out"
    root.mkdir()
    (root / "a.txt").write_text("Le chat dort. La pluie tombe. Le jardin est beau.\n", encoding="utf-8")
    args = [root, out, "--source-lang", "fr", "--tm", tmp_path / "tm.sqlite3"]
    invoke(args, engine=ScriptedEngine(wrap))
    (root / "a.txt").write_text("Le chat dort. La neige tombe. Le jardin est beau.\n", encoding="utf-8")
    engine = ScriptedEngine(wrap)
    code, _, stderr, _ = invoke([*args, "--stats"], engine=engine)
    assert code == 0 and engine.calls == [["La neige tombe."]]
    assert json.loads(stderr)["cached_segments"] == 2
    assert (out / "a.en.txt").read_text() == "EN[Le chat dort.] EN[La neige tombe.] EN[Le jardin est beau.]\n"
    engine = ScriptedEngine(wrap)
    invoke([*args[:-2], "--no-tm", "--force"], engine=engine)
    assert sum(map(len, engine.calls)) == 3


class InterruptingEngine(ScriptedEngine):
    """Raises KeyboardInterrupt (as Ctrl-C would) on its n-th call."""

    def __init__(self, at_call: int) -> None:
        super().__init__(wrap)
        self.at_call = at_call

    def translate(self, sentences, n_best=1):
        if len(self.calls) + 1 == self.at_call:
            raise KeyboardInterrupt
        return super().translate(sentences, n_best)


@pytest.mark.parametrize("jobs", [1, 3])
def test_ctrl_c_midway_keeps_finished_files_and_resumes(tmp_path, jobs):
    root, out = tmp_path / "in", tmp_path / "out"
    root.mkdir()
    for i in range(8):
        (root / f"f{i}.txt").write_text(f"{sentence(i)}\n", encoding="utf-8")
    # --no-tm: this checks the manifest; with the memory, segments of files cut off midway
    # would also be reused, and the engine would see fewer calls still.
    args = [root, out, "--json", "--source-lang", "fr", "--jobs", jobs, "--no-tm"]
    code, stdout, stderr, _ = invoke(args, engine=InterruptingEngine(at_call=4))
    assert code == 130 and stdout == "" and "run the same command to resume" in stderr
    assert not list(out.rglob("*.part"))
    done = sorted(p.name for p in out.glob("*.en.txt"))
    assert 1 <= len(done) < 8
    for name in done:
        source = (root / name.replace(".en", "")).read_text(encoding="utf-8")
        assert (out / name).read_text(encoding="utf-8") == f"EN[{source.strip()}]\n"
    engine = ScriptedEngine(wrap)
    code, stdout, _, _ = invoke(args, engine=engine)
    report = report_of(stdout)
    assert code == 0
    assert sorted(runner.output_name(k) for k, v in report.items() if v["status"] == "skipped") == done
    assert len(engine.calls) == 8 - len(done)


def test_sigterm_becomes_keyboard_interrupt():
    previous = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt):
        with runner.sigterm_as_interrupt():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
    assert signal.getsignal(signal.SIGTERM) == previous


def test_a_signal_during_a_write_takes_effect_after_it():
    done = []
    with pytest.raises(KeyboardInterrupt):
        with runner.shielded():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            done.append(True)  # not cut short
    assert done == [True] and signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_output_folder_linked_into_in_dir_is_not_written_through(tmp_path):
    root, out = tmp_path / "in", tmp_path / "out"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "x.fr.txt").write_text("Le chat dort.\n", encoding="utf-8")
    out.mkdir()
    (out / "sub").symlink_to(root / "sub", target_is_directory=True)
    before = digests(root)
    code, stdout, _, _ = invoke([root, out, "--json", "--source-lang", "fr"], engine=ScriptedEngine(wrap))
    report = report_of(stdout)
    assert code == 4 and "inside IN_DIR" in report["sub/x.fr.txt"]["reason"]
    assert digests(root) == before and not (root / "sub" / "x.en.txt").exists()


# -- errors about the whole run ----------------------------------------------------------------
def test_a_model_error_stops_the_run_at_once(tree):
    root, _, out = tree

    class Broken(ScriptedEngine):
        def translate(self, sentences, n_best=1):
            if self.calls:
                raise ModelUnavailableError("model M could not be loaded: out of memory")
            return super().translate(sentences, n_best)

    engine = Broken(wrap)
    code, stdout, stderr, _ = invoke([root, out, "--source-lang", "fr"], engine=engine)
    assert code == 5 and "model M could not be loaded" in stderr and stdout == ""
    assert len(engine.calls) == 1 and len(list(out.rglob("*.en.*"))) == 1


def test_missing_model_is_exit_5_before_any_output(tree):
    root, _, out = tree
    code, _, stderr, _ = invoke([root, out, "--model", out.parent / "no-model"])
    assert code == 5 and "no-model" in stderr and not list(out.rglob("*.en.*"))


def test_unsupported_language_fails_that_file_only(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    (root / "de.txt").write_text("Der Hund schläft im Haus, und die Katze spielt im Garten mit dem Ball.\n")
    (root / "fr.txt").write_text("Le chat dort sur le canapé pendant que la pluie tombe sur la ville.\n")
    code, stdout, _, _ = invoke([root, tmp_path / "out", "--json"], engine=ScriptedEngine(wrap))
    report = report_of(stdout)
    assert code == 4 and report["fr.txt"]["status"] == "ok"
    assert report["de.txt"]["status"] == "failed" and "German" in report["de.txt"]["reason"]


def test_strict_fails_unguaranteed_files_but_writes_them(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    source = "Elon Musk dirige la société xAI depuis longtemps."
    (root / "x.txt").write_text(source + "\n", encoding="utf-8")
    (root / "y.txt").write_text("Le chat dort.\n", encoding="utf-8")
    engine = ScriptedEngine({source: "He has long run the company xAI.", "Le chat dort.": "The cat sleeps."})
    code, stdout, stderr, _ = invoke([root, tmp_path / "out", "--json", "--strict", "--source-lang", "fr"], engine=engine)
    report = report_of(stdout)
    assert code == 4 and report["y.txt"]["status"] == "ok"
    assert report["x.txt"]["status"] == "failed" and "could not be guaranteed" in report["x.txt"]["reason"]
    assert (tmp_path / "out" / "x.en.txt").exists() and "x.txt" in stderr


# -- jobs and briefs ----------------------------------------------------------------------------
def test_jobs_share_one_model_and_give_the_same_outputs(tree):
    root, _, out = tree
    invoke([root, out / "one", "--source-lang", "fr", "--no-tm"], engine=ScriptedEngine(wrap))
    engine = ScriptedEngine(wrap)
    code, stdout, _, builds = invoke([root, out / "four", "--source-lang", "fr", "--jobs", 4, "--json", "--no-tm"],
                                     engine=engine)
    assert code == 4 and len(builds) == 1
    one, four = digests(out / "one"), digests(out / "four")
    assert {k: v for k, v in one.items() if k != runner.MANIFEST_NAME} == \
           {k: v for k, v in four.items() if k != runner.MANIFEST_NAME}
    per_file = sum(item["segments"] for item in report_of(stdout).values())
    assert per_file == engine.stats.segments  # per-file counts stay exact across threads
    code, stdout, _, _ = invoke([root, out / "again", "--source-lang", "fr", "--jobs", 4, "--json"],
                                engine=ScriptedEngine(wrap))  # four threads on one memory file
    assert code == 4 and {k: v for k, v in digests(out / "again").items() if k != runner.MANIFEST_NAME} == \
           {k: v for k, v in one.items() if k != runner.MANIFEST_NAME}


def test_brief_writes_a_note_per_file(tmp_path):
    root = tmp_path / "in"
    (root / "a").mkdir(parents=True)
    (root / "a" / "b.fr.txt").write_text("Le chat dort sur le canapé. La pluie tombe sur la ville.\n",
                                         encoding="utf-8")
    (root / "c.md").write_text("The committee approved the new budget on Tuesday after a long debate.\n",
                               encoding="utf-8")
    engine = ScriptedEngine({"Le chat dort sur le canapé.": "The cat sleeps on the sofa.",
                             "La pluie tombe sur la ville.": "Rain falls on the town."})
    code, stdout, _, builds = invoke([root, tmp_path / "out", "--what", "brief", "--engine", "extractive",
                                      "--source-lang", "auto", "--json", "--jobs", 3], engine=engine)
    report = report_of(stdout)
    assert code == 0 and {k: v["output"] for k, v in report.items()} == {"a/b.fr.txt": "a/b.brief.md",
                                                                          "c.md": "c.brief.md"}
    note = (tmp_path / "out" / "a" / "b.brief.md").read_text(encoding="utf-8")
    assert note.startswith("#") and "The cat sleeps on the sofa." in note
    assert report["a/b.fr.txt"]["segments"] == 2 and report["c.md"]["segments"] == 0
    assert len(builds) == 1


# -- the real thing: a subprocess, the copy model, a signal -------------------------------------
def test_sigterm_midway_then_resume_with_the_copy_model(tmp_path, copy_model):
    root, out = tmp_path / "in", tmp_path / "out"
    root.mkdir()
    texts = {f"lot{i // 6}/texte{i:02}.fr.txt": french(i, 10) for i in range(16)}
    for name, text in texts.items():
        (root / name).parent.mkdir(exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    expected = {runner.output_name(name): text for name, text in texts.items()}  # the model copies its input
    args = [str(root), str(out), "--model", str(copy_model), "--source-lang", "fr"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PASSEUR_THREADS": "1"}
    process = subprocess.Popen([sys.executable, "-m", "passeur", "batch", *args], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: set[str] = set()
    deadline = time.monotonic() + 90
    signalled = False
    while process.poll() is None and time.monotonic() < deadline:
        for path in out.rglob("*.en.txt") if out.exists() else []:
            name = path.relative_to(out).as_posix()
            assert path.read_text(encoding="utf-8") == expected[name]  # never a partial output
            seen.add(name)
        if seen and not signalled and runner.load_manifest(out):  # a first file is finished and recorded
            process.send_signal(signal.SIGTERM)
            signalled = True
        time.sleep(0.01)
    _, stderr = process.communicate(timeout=30)
    assert signalled and process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]
    done = {p.relative_to(out).as_posix() for p in out.rglob("*.en.txt")}
    assert 0 < len(done) < len(texts), "the run should have been stopped midway"
    for name in done:
        assert (out / name).read_text(encoding="utf-8") == expected[name]
    manifest = runner.load_manifest(out)
    assert {entry["output"] for entry in manifest.values()} <= done

    # Resume in-process; an identity engine writes what the copy model writes, without loading torch here.
    engine = ScriptedEngine()
    code, stdout, _, _ = invoke([*args, "--json"], engine=engine)
    report = report_of(stdout)
    assert code == 0
    skipped = {runner.output_name(k) for k, v in report.items() if v["status"] == "skipped"}
    assert skipped == {entry["output"] for entry in manifest.values()}
    assert all(v["status"] == "ok" for k, v in report.items() if runner.output_name(k) not in skipped)
    assert sum(v["segments"] for v in report.values()) == 10 * (len(texts) - len(skipped))  # only the rest
    for name, text in expected.items():
        assert (out / name).read_text(encoding="utf-8") == text

    code, stdout, _, builds = invoke([*args, "--json"], factory=lambda model, **kw: 1 / 0)
    assert code == 0 and builds == [] and all(v["status"] == "skipped" for v in report_of(stdout).values())


def test_second_run_over_the_same_folder_takes_every_segment_from_the_memory(tree, tmp_path):
    root, _, out = tree
    args = [root, out, "--source-lang", "fr", "--tm", tmp_path / "shared.sqlite3", "--stats"]
    first = ScriptedEngine(wrap)
    invoke(args, engine=first)
    before = digests(out)
    again = ScriptedEngine(wrap)
    code, _, stderr, _ = invoke([*args, "--force"], engine=again)
    stats = json.loads(next(line for line in stderr.splitlines() if line.startswith("{")))
    assert stats["segments"] > 0 and stats["cached_segments"] == stats["segments"]
    assert again.calls == []
    after = digests(out)
    assert {k: v for k, v in after.items() if not k.startswith(".")} == \
        {k: v for k, v in before.items() if not k.startswith(".")}
