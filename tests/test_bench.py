"""The benchmark runs end to end on a tiny model and writes valid results (speed is not tested)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("ctranslate2")

import sys

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import speed as bench  # noqa: E402  (bench/ is not a package: it runs as a user would)


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bench-work")


def run_bench(tmp_path: Path, work: Path, *extra: str) -> dict:
    out = tmp_path / "results.json"
    code = bench.main(["--tiny", "--out", str(out), "--work", str(work), *extra])
    report = json.loads(out.read_text(encoding="utf-8"))
    assert code == 0, report["failures"]
    beams = {r["beam"] for r in report["results"]}
    assert out.with_suffix(".md").read_text(encoding="utf-8").count("| path |") == len(beams)
    return report


def test_bench_tiny_in_process(tmp_path, work, capsys):
    report = run_bench(tmp_path, work, "--beams", "2,1", "--in-process", "--segments", "10",
                       "--paths", "baseline,default,api-ct2,ct2,transformers-int8")
    meta = report["meta"]
    assert meta["segments"] == 10 and meta["new_tokens_per_segment"] == 8
    assert meta["architecture"]["d_model"] == 64
    by_key = {(r["path"], r["beam"]): r for r in report["results"]}
    assert set(by_key) == {(p, b) for p in ("baseline", "default", "api-ct2", "ct2", "transformers-int8") for b in (2, 1)}
    for r in report["results"]:
        assert r["tokens_per_s"] > 0 and r["tokens_per_cpu_s"] > 0
        assert r["peak_rss_mb"] > 0 and r["load_s"] >= 0 and r["device"] == "cpu"
        assert r["generated_tokens"] == r["segments"] * 8  # the output length is fixed on every path
        assert "x_ct2" in r and "x_baseline" in r
    assert by_key[("ct2", 2)]["x_ct2"] == 1.0 and by_key[("baseline", 1)]["x_baseline"] == 1.0
    assert by_key[("api-ct2", 1)]["backend"] == "ctranslate2"
    assert by_key[("baseline", 2)]["segments"] == 4  # the baseline runs on a subset
    printed = capsys.readouterr().out
    assert "Beam 2" in printed and "Beam 1" in printed and "CTranslate2 reference int8" in printed


def test_bench_isolates_paths_in_processes(tmp_path, work):
    report = run_bench(tmp_path, work, "--beams", "1", "--segments", "6", "--paths", "ct2")
    assert report["meta"]["isolated_processes"] is True
    [result] = report["results"]
    assert result["path"] == "ct2" and result["segments"] == 6 and result["generated_tokens"] == 48
    assert 20 < result["peak_rss_mb"] < 2000


def test_bench_reports_int8_agreement(tmp_path, work, copy_model):
    report = run_bench(tmp_path, work, "--beams", "1", "--segments", "4", "--paths", "ct2", "--in-process",
                       "--copy-model", str(copy_model))
    [agreement] = report["agreement"]
    assert agreement["beam"] == 1 and agreement["segments"] > 0
    for key in ("copy_exact_fp32", "ctranslate2_int8", "ctranslate2_int8_vs_float32", "transformers_dynamic_int8"):
        assert 0.0 <= agreement[key] <= 1.0
    assert agreement["copy_exact_fp32"] == 1.0  # the copy model copies: the reference is right


def test_a_failing_path_is_reported_not_fatal(tmp_path, work, monkeypatch):
    import speedpaths as benchpaths

    def broken(spec, beam):
        raise RuntimeError("boom")

    monkeypatch.setitem(benchpaths.RUNNERS, "baseline", broken)
    out = tmp_path / "r.json"
    code = bench.main(["--tiny", "--in-process", "--beams", "1", "--segments", "4", "--paths", "baseline,ct2",
                       "--out", str(out), "--work", str(work)])
    report = json.loads(out.read_text())
    assert code == 1
    assert report["failures"][0]["path"] == "baseline" and "boom" in report["failures"][0]["error"]
    assert [r["path"] for r in report["results"]] == ["ct2"]


def test_user_speed_bench_runs_what_users_run(tmp_path):
    """bench/user_speed.py end to end on the tiny model: every measure, equal lengths, no heavy import."""
    import user_speed

    out = tmp_path / "user.json"
    assert user_speed.main(["--tiny", "--repeats", "1", "--out", str(out), "--work", str(tmp_path / "work")]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    summary = report["summary"]
    assert summary["equal_lengths"] is True and summary["heavy_modules_at_import"] == []
    for key in ("cold_wall_x_ct2", "document_engine_x_ct2", "document_process_x_ct2", "api_x_ct2", "jsonl_latency_x_ct2"):
        assert summary[key] > 0
    doc = report["runs"]["document"][0]
    assert doc["passeur_tokens"] == doc["ct2_tokens"] == report["meta"]["sentences"] * 8
    assert 20 < summary["cold_peak_rss_mb"] < 2000
    table = out.with_suffix(".md").read_text(encoding="utf-8")
    assert table.count("\n| ") == 9 and "python bench/user_speed.py --tiny" in table
