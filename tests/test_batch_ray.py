"""`passeur batch --executor ray`: the options, the worker, and a real run on a local Ray instance.

The Ray run (2 workers, the tiny copy model, CPU) is stopped by SIGTERM midway, then resumed
while one of its workers is killed; its outputs and manifest must match a local run's byte
for byte. Ray runs in subprocesses, as the command does, so this test process never becomes
a Ray driver. Without Ray installed, that test is skipped (the others do not need it).
"""
import hashlib
import importlib.util
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest

from passeur.batch import runner
from passeur.batch.ray_executor import FileWorker, WorkerFailure
from passeur.commands.batch_recipe import JobRecipe
from passeur.textio.writer import remove_temporaries
from test_batch import french, invoke, report_of

WORKER_TITLE = "ray::FileWorker"  # the process title Ray gives the actors of passeur.batch.ray_executor
DEADLINE_S = 240
needs_ray = pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                               reason="ray is not installed: pip install 'passeur[ray]' to test --executor ray")


# -- options and the worker, without Ray -----------------------------------------------------------
@pytest.mark.parametrize("args, message", [
    (["--workers", "3"], "--workers: only with --executor ray"),
    (["--ray-address", "auto", "--gpus-per-worker", "1"], "--ray-address, --gpus-per-worker: only with --executor ray"),
    (["--executor", "ray", "--jobs", "2"], "--jobs is for --executor local; with --executor ray, use --workers"),
])
def test_options_that_do_not_fit_the_executor_are_exit_2(tmp_path, args, message):
    (tmp_path / "in").mkdir()
    code, stdout, stderr, builds = invoke([tmp_path / "in", tmp_path / "out", *args])
    assert code == 2 and message in stderr and stdout == "" and builds == []
    assert not (tmp_path / "out").exists()


def test_without_ray_the_executor_is_refused_with_the_fix(tmp_path, monkeypatch):
    (tmp_path / "in").mkdir()
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real(name, *a))
    code, _, stderr, _ = invoke([tmp_path / "in", tmp_path / "out", "--executor", "ray"])
    assert code == 2 and "pip install 'passeur[ray]'" in stderr


def test_a_worker_checks_it_sees_the_drivers_folders(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    marker = tmp_path / "out" / ".passeur-ray-check-1234"
    marker.write_text("1234", encoding="utf-8")
    worker = FileWorker(JobRecipe("translate", None).build, str(tmp_path / "in"), str(tmp_path / "out"), "x", 1)
    assert worker.check(str(marker), "1234") == ""
    assert "is not the driver's" in worker.check(str(marker), "5678")  # same path, another folder
    assert "is not the driver's" in worker.check(str(tmp_path / "out" / "missing"), "1234")
    elsewhere = FileWorker(JobRecipe("translate", None).build, str(tmp_path / "nowhere"), str(tmp_path / "out"), "x", 1)
    assert "IN_DIR" in elsewhere.check(str(marker), "1234") and "not a folder on worker node" in elsewhere.check(
        str(marker), "1234")


def test_a_worker_sends_back_a_whole_run_error_with_its_exit_code(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.fr.txt").write_text("Le chat dort.\n", encoding="utf-8")
    recipe = JobRecipe("translate", str(tmp_path / "no-such-model"), {"backend": "auto", "device": "cpu",
                                                                      "beam_size": 1}, source_lang="fr")
    worker = FileWorker(recipe.build, str(tmp_path / "in"), str(tmp_path / "out"), "x", 1)
    [item] = runner.plan_batch(tmp_path / "in", tmp_path / "out")
    failure = worker.process(item, None)
    assert isinstance(failure, WorkerFailure) and failure.exit_code == 5 and "no-such-model" in failure.message
    assert not (tmp_path / "out").exists()


def test_partial_outputs_of_one_file_are_removed_and_nothing_else(tmp_path):
    names = [".a.en.txt.x1.part", ".a.en.txt.x2.part", "a.en.txt", ".b.en.txt.x3.part", ".a.en.txt.x4.tmp"]
    for name in names:
        (tmp_path / name).write_text("…", encoding="utf-8")
    remove_temporaries(tmp_path / "a.en.txt")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[2:])
    odd = [".note [v2]*.en.md.x5.part", ".note 2.en.md.x6.part", "note [v2]*.en.md"]  # glob characters in a name
    for name in odd:
        (tmp_path / name).write_text("…", encoding="utf-8")
    remove_temporaries(tmp_path / "note [v2]*.en.md")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[2:] + odd[1:])


# -- the real thing: a local Ray instance, 2 workers ------------------------------------------------
@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    """A dozen French files in a tree, long enough (20 sentences) that a run takes a few seconds."""
    root = tmp_path_factory.mktemp("ray") / "in"
    for i in range(12):
        path = root / ["", "monde/", "monde/europe/", "sport/"][i % 4] / f"article{i:02}.fr.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(french(100 + 7 * i, 20), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def local_outputs(articles, copy_model, tmp_path_factory):
    """The reference: the same tree translated with --executor local."""
    out = tmp_path_factory.mktemp("local") / "out"
    code, stdout, stderr, _ = invoke([articles, out, "--model", copy_model, "--source-lang", "fr", "--no-tm",
                                      "--json"])
    assert code == 0, stderr
    assert all(item["status"] == "ok" for item in report_of(stdout).values())
    return digests(out)


def digests(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def start(args, token: str, **popen):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PASSEUR_THREADS": "1", "PASSEUR_TEST_RUN": token}
    return subprocess.Popen([sys.executable, "-m", "passeur", "batch", *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def workers_of(token: str) -> list[psutil.Process]:
    """This run's Ray workers: processes titled as passeur's actor, with the run's token."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        try:
            title = " ".join(process.info["cmdline"] or [])
            if title.startswith(WORKER_TITLE) and process.environ().get("PASSEUR_TEST_RUN") == token:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def recorded(out: Path) -> int:
    return len(runner.load_manifest(out)) if out.exists() else 0


@needs_ray
def test_a_ray_run_stopped_by_sigterm_resumes_and_survives_a_killed_worker(articles, local_outputs, copy_model,
                                                                           tmp_path):
    out = tmp_path / "out"
    args = [articles, out, "--model", copy_model, "--source-lang", "fr", "--json", "--executor", "ray",
            "--workers", "2"]
    # 1. Stopped by SIGTERM once a first file is recorded: exit 130, finished files recorded, no partial file.
    token = uuid.uuid4().hex
    process = start(args, token)
    signalled, deadline = False, time.monotonic() + DEADLINE_S
    while process.poll() is None and time.monotonic() < deadline:
        if not signalled and recorded(out) >= 1:
            process.send_signal(signal.SIGTERM)
            signalled = True
        time.sleep(0.02)
    stdout, stderr = process.communicate(timeout=DEADLINE_S)
    assert signalled and process.returncode == 130, stderr
    assert stdout == "" and "run the same command to resume" in stderr and "Traceback" not in stderr
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]
    manifest = runner.load_manifest(out)
    assert 1 <= len(manifest) <= 6, "the run should have been stopped midway"
    for entry in manifest.values():  # what is recorded is finished, and finished right
        assert digests(out)[entry["output"]] == local_outputs[entry["output"]]
    assert not workers_of(token), "the Ray workers outlived the run"

    # 2. The same command resumes; one worker is killed (SIGKILL) while both have files in flight.
    token = uuid.uuid4().hex
    process = start(args, token)
    killed, done_at_kill, deadline = None, 0, time.monotonic() + DEADLINE_S
    while process.poll() is None and time.monotonic() < deadline and killed is None:
        done_at_kill = recorded(out)
        if done_at_kill > len(manifest):  # the workers are up and busy: kill one of them
            workers = workers_of(token)
            if workers:
                killed = workers[0]
                killed.kill()
        time.sleep(0.02)
    stdout, stderr = process.communicate(timeout=DEADLINE_S)
    assert killed is not None, "no worker was killed: the run ended before one could be"
    assert done_at_kill <= 12 - 2 * 2, "each worker should still have had files in flight (2 each)"
    assert process.returncode == 0, stderr
    report = report_of(stdout)
    skipped = {name for name, item in report.items() if item["status"] == "skipped"}
    assert skipped == set(manifest)  # done in the first run: skipped, not redone
    assert all(item["status"] == "ok" for name, item in report.items() if name not in skipped)
    assert len(report) == 12
    assert digests(out) == local_outputs  # every output, and the manifest, byte for byte
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]
