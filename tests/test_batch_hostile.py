"""`passeur batch` against hostile and careless trees (issue 12): special files, links swapped
in mid-run, broken manifests, odd globs and names, an unwritable OUT_DIR, SIGTERM with jobs."""
import errno
import io
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner

from fakes import ScriptedEngine
from passeur.batch import files, runner
from passeur.cli import Environment, cli
from passeur.errors import InputError
from test_batch import report_of, wrap


def invoke(args, engine=None):
    out, err = io.StringIO(), io.StringIO()
    builds = []

    def make(model, **options):
        builds.append(model)
        return engine

    env = Environment(io.BytesIO(), out, err, {}, make_translation_engine=make)
    result = CliRunner().invoke(cli, ["batch", *map(str, args)], obj=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, out.getvalue(), err.getvalue() + result.output, builds


def in_thread(function, timeout=30):
    """Run `function` in a thread; fail (instead of hanging the suite) if it takes over `timeout` s."""
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.update(value=function()), daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"still running after {timeout} s"
    return outcome["value"]


def test_a_fifo_in_the_tree_is_skipped_not_read(tmp_path):
    """Defect 2: `mkfifo d/x.fr.txt; passeur batch d out` never returned."""
    root, out = tmp_path / "d", tmp_path / "out"
    root.mkdir()
    os.mkfifo(root / "x.fr.txt")
    (root / "a.fr.txt").write_text("Bonjour à tous.", encoding="utf-8")
    code, stdout, _, _ = in_thread(lambda: invoke([root, out, "--json", "--source-lang", "fr"], ScriptedEngine(wrap)))
    report = report_of(stdout)
    assert code == 0 and report["a.fr.txt"]["status"] == "ok"
    assert report["x.fr.txt"] == {**report["x.fr.txt"], "status": "skipped",
                                  "reason": "a FIFO (named pipe), not a regular file"}
    assert stat.S_ISFIFO(os.lstat(root / "x.fr.txt").st_mode) and not (out / "x.en.txt").exists()


def test_a_named_fifo_input_of_translate_is_read_as_a_stream(tmp_path):
    """Process substitution (`passeur translate <(...)`) hands translate a pipe: it must work."""
    fifo = tmp_path / "feed"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_text("Bonjour à tous.", encoding="utf-8"))
    writer.start()
    out, err = io.StringIO(), io.StringIO()
    env = Environment(io.BytesIO(), out, err, {}, make_translation_engine=lambda m, **kw: ScriptedEngine(wrap))
    result = in_thread(lambda: CliRunner().invoke(cli, ["translate", str(fifo), "--source-lang", "fr"], obj=env))
    writer.join(30)
    assert result.exit_code == 0 and out.getvalue() == "EN[Bonjour à tous.]"


def test_a_process_substitution_input_through_a_real_shell(tmp_path, copy_model):
    script = f'{sys.executable} -m passeur translate <(printf "Le port de Lorient.") --model "{copy_model}"'
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0 and done.stdout == "Le port de Lorient.", done.stderr


class SwappingEngine(ScriptedEngine):
    """After its first call, replaces `victim` by a link to `secret` (outside the tree)."""

    def __init__(self, victim, secret):
        super().__init__(wrap)
        self.victim, self.secret = victim, secret

    def translate(self, sentences, n_best=1):
        if not self.calls:
            self.victim.unlink()
            self.victim.symlink_to(self.secret)
        return super().translate(sentences, n_best)


def test_a_file_swapped_for_a_link_outside_the_tree_mid_run_is_not_read(tmp_path):
    """Defect 3: the link check ran at planning; a file swapped for a link later was read."""
    root, out = tmp_path / "in", tmp_path / "out"
    root.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("Le code secret est dans le coffre.", encoding="utf-8")
    (root / "a.fr.txt").write_text("Bonjour à tous.", encoding="utf-8")
    (root / "b.fr.txt").write_text("Le port de Lorient.", encoding="utf-8")
    engine = SwappingEngine(root / "b.fr.txt", secret)
    code, stdout, _, _ = invoke([root, out, "--json", "--source-lang", "fr"], engine)
    report = report_of(stdout)
    assert code == 4 and report["a.fr.txt"]["status"] == "ok"
    assert report["b.fr.txt"] == {**report["b.fr.txt"], "status": "failed",
                                  "reason": "changed during the run into a link to a file outside IN_DIR"}
    assert all("secret" not in " ".join(call) for call in engine.calls) and not (out / "b.en.txt").exists()
    assert (root / "b.fr.txt").is_symlink() and secret.read_text(encoding="utf-8").startswith("Le code")


def test_read_inside_refuses_a_folder_swapped_for_a_link(tmp_path):
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "x.txt").write_text("dehors")
    (root / "sub").rmdir()
    (root / "sub").symlink_to(outside)
    with pytest.raises(InputError, match="outside IN_DIR"):
        files.read_inside(root / "sub" / "x.txt", root.resolve())
    fifo = root / "f.txt"
    os.mkfifo(fifo)

    def read():
        try:
            files.read_inside(fifo, root.resolve())
        except InputError as error:
            return error.reason

    assert in_thread(read) == "a FIFO (named pipe), not a regular file"


@pytest.mark.parametrize("entry", ["x", 3, None, [], {"sha256": 1}, {"sha256": "a", "fingerprint": None}])
def test_a_malformed_manifest_entry_is_redone_not_a_crash(tmp_path, entry):
    """Defect 6: `{"files": {"a.fr.txt": "x"}}` crashed every rerun with AttributeError."""
    root, out = tmp_path / "in", tmp_path / "out"
    root.mkdir()
    (root / "a.fr.txt").write_text("Bonjour à tous.", encoding="utf-8")
    assert invoke([root, out, "--source-lang", "fr", "--no-tm"], ScriptedEngine(wrap))[0] == 0
    manifest = out / runner.MANIFEST_NAME
    manifest.write_text(json.dumps({"version": runner.MANIFEST_VERSION, "files": {"a.fr.txt": entry}}))
    engine = ScriptedEngine(wrap)
    code, stdout, err, _ = invoke([root, out, "--json", "--source-lang", "fr", "--no-tm"], engine)
    assert code == 0 and report_of(stdout)["a.fr.txt"]["status"] == "ok" and len(engine.calls) == 1, err
    assert isinstance(runner.load_manifest(out)["a.fr.txt"], dict)


def test_a_bad_glob_is_a_one_line_usage_error(tmp_path):
    """Defect 10: `--glob '[z-a]'` was an re.error traceback."""
    root = tmp_path / "in"
    root.mkdir()
    code, _, err, builds = invoke([root, tmp_path / "out", "--glob", "[z-a]"], ScriptedEngine(wrap))
    assert code == 2 and err == "passeur: error: --glob '[z-a]': not a valid pattern (bad character range z-a)\n"
    assert builds == []


def test_a_glob_without_a_slash_matches_names_at_any_depth(tmp_path):
    """Defect 10: `--glob '*.fr.txt'` translated 4 of 12 files (the top level only)."""
    root = tmp_path / "in"
    names = [f"{folder}{i}.fr.txt" for folder in ("", "a/", "a/b/", "c/") for i in range(3)]
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("Bonjour à tous.", encoding="utf-8")
    (root / "a" / "other.txt").write_text("Bonjour.", encoding="utf-8")
    code, stdout, _, _ = invoke([root, tmp_path / "out", "--glob", "*.fr.txt", "--json", "--source-lang", "fr"],
                                ScriptedEngine(wrap))
    assert code == 0 and sorted(report_of(stdout)) == sorted(names)
    assert files.glob_regex("/*.fr.txt").fullmatch("0.fr.txt") and not files.glob_regex("/*.fr.txt").fullmatch("a/0.fr.txt")
    help_text = CliRunner().invoke(cli, ["batch", "--help"]).output
    assert "without / matches file names at any depth" in " ".join(help_text.split())


def test_control_characters_in_names_are_escaped_on_the_terminal(tmp_path):
    """Defect 12: names holding ESC sequences were printed raw in the table and messages."""
    root = tmp_path / "in"
    root.mkdir()
    (root / "a\x1b[31mred.fr.txt").write_text("Bonjour à tous.", encoding="utf-8")
    (root / "b\x1b[2J\u202e.fr.txt").write_bytes(b"\x00\x01binary" * 10)
    code, stdout, err, _ = invoke([root, tmp_path / "out", "--source-lang", "fr"], ScriptedEngine(wrap))
    assert code == 4
    for text in (stdout, err):
        assert "\x1b" not in text and "\u202e" not in text
    assert "a\\x1b[31mred.fr.txt" in stdout and "b\\x1b[2J\\u202e.fr.txt" in err
    assert (tmp_path / "out" / "a\x1b[31mred.en.txt").exists()  # the file itself keeps its name


def test_two_inputs_with_one_output_say_which(tmp_path):
    """Defect 16: the message said "same output a.en.txt as a.en.txt"."""
    root = tmp_path / "in"
    root.mkdir()
    for name in ("a.en.txt", "a.fr.txt"):
        (root / name).write_text("Bonjour à tous.", encoding="utf-8")
    code, stdout, _, _ = invoke([root, tmp_path / "out", "--json", "--source-lang", "fr"], ScriptedEngine(wrap))
    reason = report_of(stdout)["a.fr.txt"]["reason"]
    assert code == 4 and reason == "its output a.en.txt is already the output of a.en.txt: rename one of them"


@pytest.fixture
def refusing(monkeypatch):
    """Make creating files whose path holds `part` fail with `code` (root ignores permission
    bits: the error a read-only or full file system gives is injected where files are created)."""
    real_open = os.open

    def arm(part, code=errno.EROFS):
        def fake_open(path, flags, *args, **kwargs):
            if str(part) in os.path.abspath(path) and flags & os.O_CREAT:
                raise OSError(code, os.strerror(code), str(path))
            return real_open(path, flags, *args, **kwargs)
        monkeypatch.setattr(os, "open", fake_open)
    return arm


def test_a_read_only_out_dir_stops_before_the_model_loads(tmp_path, refusing):
    """Defect 18: a read-only OUT_DIR was found out after every file had been translated."""
    root, out = tmp_path / "in", tmp_path / "out"
    root.mkdir()
    out.mkdir()
    (root / "a.fr.txt").write_text("Bonjour à tous.", encoding="utf-8")
    refusing(out)
    code, stdout, err, builds = invoke([root, out, "--source-lang", "fr"], ScriptedEngine(wrap))
    assert code == 6 and builds == [] and stdout == ""
    assert err == f"passeur: error: {out.resolve()}: cannot write: read-only file system\n"


class FillingEngine(ScriptedEngine):
    """The disk fills up once the first file is written: the manifest cannot be saved."""

    def __init__(self, arm):
        super().__init__(wrap)
        self.arm = arm

    def translate(self, sentences, n_best=1):
        self.arm()
        return super().translate(sentences, n_best)


def test_the_manifest_on_a_full_disk_is_one_line_exit_6(tmp_path, refusing):
    """Defect 5: the batch manifest on a full disk was a traceback."""
    root, out = tmp_path / "in", tmp_path / "out"
    root.mkdir()
    (root / "a.fr.txt").write_text("Bonjour à tous.", encoding="utf-8")
    code, _, err, _ = invoke([root, out, "--source-lang", "fr", "--no-tm"],
                             FillingEngine(lambda: refusing(runner.MANIFEST_NAME, errno.ENOSPC)))
    assert code == 6 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"passeur: error: {out.resolve() / runner.MANIFEST_NAME}: cannot write: no space left")
    assert (out / "a.en.txt").read_text(encoding="utf-8") == "EN[Bonjour à tous.]"
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]


def test_a_full_disk_stops_the_run_at_the_first_output(tmp_path, refusing):
    root, out = tmp_path / "in", tmp_path / "out"
    root.mkdir()
    for i in range(3):
        (root / f"{i}.fr.txt").write_text("Bonjour à tous.", encoding="utf-8")
    engine = FillingEngine(lambda: refusing(".en.txt", errno.ENOSPC))
    code, _, err, _ = invoke([root, out, "--source-lang", "fr", "--no-tm"], engine)
    assert code == 6 and len(engine.calls) == 1 and err.count("\n") == 1 and "0.en.txt: cannot write: no space" in err
    assert not [p for p in out.rglob("*") if p.is_file()]


class BlockingEngine(ScriptedEngine):
    """Each model call takes a while; the first one sends SIGTERM to the process."""

    def __init__(self):
        super().__init__(wrap)
        self.started = []

    def translate(self, sentences, n_best=1):
        self.started.append(time.monotonic())
        if len(self.started) == 1:
            os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.3)
        return super().translate(sentences, n_best)


def test_sigterm_with_jobs_starts_no_model_call_after_the_signal(tmp_path):
    """Defect 13: with --jobs 3, each worker waiting for the model ran a whole window after SIGTERM."""
    root, out = tmp_path / "in", tmp_path / "out"
    root.mkdir()
    for i in range(9):
        (root / f"f{i}.fr.txt").write_text(" ".join(f"Phrase numéro {i} {j}." for j in range(5)), encoding="utf-8")
    engine = BlockingEngine()
    code, stdout, err, _ = invoke([root, out, "--jobs", "3", "--no-tm", "--source-lang", "fr"], engine)
    assert code == 130 and "run the same command to resume" in err
    assert len(engine.started) == 1  # only the call in flight when the signal came
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]
    assert {entry["output"] for entry in runner.load_manifest(out).values()} == \
        {p.name for p in out.glob("*.en.txt")}


def test_sigterm_with_jobs_3_stops_a_real_run_promptly(tmp_path, copy_model):
    root, out = tmp_path / "in", tmp_path / "out"
    root.mkdir()
    texts = {f"t{i:02}.fr.txt": " ".join(f"Le port numéro {i} reçoit {j} navires." for j in range(30)) for i in range(12)}
    for name, text in texts.items():
        (root / name).write_text(text, encoding="utf-8")
    command = [sys.executable, "-m", "passeur", "batch", str(root), str(out), "--model", str(copy_model),
               "--jobs", "3", "--source-lang", "fr", "--no-tm"]
    process = subprocess.Popen(command, env={**os.environ, "HF_HUB_OFFLINE": "1", "PASSEUR_THREADS": "1"},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline and not runner.load_manifest(out):
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)  # the issue saw 15 to 85 s
    assert process.returncode == 130 and "Traceback" not in stderr, stderr
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]
    done = {p.name for p in out.glob("*.en.txt")}
    assert {entry["output"] for entry in runner.load_manifest(out).values()} == done
    for name in done:
        assert (out / name).read_text(encoding="utf-8") == texts[name.replace(".en.", ".fr.")]


def test_a_name_that_is_not_utf8_is_translated_shown_and_resumed(tmp_path):
    """Found while checking defect 12: the manifest (and --json) could not hold such a name."""
    root, out = tmp_path / "in", tmp_path / "out"
    root.mkdir()
    name = os.fsdecode(b"caf\xe9.fr.txt")  # a Latin-1 byte: kept by Python as a surrogate escape
    (root / name).write_text("Bonjour à tous.", encoding="utf-8")
    code, stdout, err, _ = invoke([root, out, "--source-lang", "fr", "--no-tm"], ScriptedEngine(wrap))
    assert code == 0 and "caf\\xe9.fr.txt  ok" in stdout, err
    assert sorted(os.listdir(os.fsencode(out))) == [b".passeur-batch.json", b"caf\xe9.en.txt"]
    code, stdout, err, _ = invoke([root, out, "--source-lang", "fr", "--no-tm", "--json"], ScriptedEngine(wrap))
    assert code == 0 and json.loads(stdout)["files"][0] == {**json.loads(stdout)["files"][0], "file": name,
                                                            "status": "skipped"}
