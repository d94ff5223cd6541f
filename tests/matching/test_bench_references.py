"""The plain references `make bench` measures the engine against give the engine's answer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lis1.matching import parse_instance, result_to_json, solve, verify
from lis1.matching.generate import nrmp_instance
from tests.fresh_python import REPO

BENCH = REPO / "bench"


def _run(script: str, doc: object, tmp_path: Path) -> subprocess.CompletedProcess[bytes]:
    src, dst = tmp_path / "in.json", tmp_path / "out.json"
    src.write_text(json.dumps(doc), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(BENCH / script), str(src), str(dst)],
        cwd=REPO,
        capture_output=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def doc() -> dict:
    # Some programs without seats and applicants left over, so both sides of every check run.
    d = nrmp_instance(3, n_applicants=400, n_programs=50, seats=300, couple_share=0.0)
    d["programs"][0]["capacity"] = 0
    return d


def test_the_matching_reference_finds_the_engines_matching(doc: dict, tmp_path: Path) -> None:
    proc = _run("reference_da.py", doc, tmp_path)

    assert proc.returncode == 0, proc.stderr.decode()
    theirs = json.loads((tmp_path / "out.json").read_bytes())
    ours = json.loads(result_to_json(solve(parse_instance(doc))))
    assert theirs == {"matches": ours["matches"], "unmatched": ours["unmatched"]}


def test_the_whole_job_reference_gives_the_engines_result(doc: dict, tmp_path: Path) -> None:
    proc = _run("reference_full.py", doc, tmp_path)

    assert proc.returncode == 0, proc.stderr.decode()
    theirs = json.loads((tmp_path / "out.json").read_bytes())
    ours = json.loads(result_to_json(solve(parse_instance(doc))))
    assert theirs == {
        key: ours[key]
        for key in ("matches", "unmatched", "stable", "blocking_pairs", "input_sha256")
    }


def test_the_whole_job_references_verifier_lists_the_engines_blocking_pairs(
    doc: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On an unstable matching: the engine's matching with every third applicant unmatched,
    # which leaves seats free at programs that rank them.
    monkeypatch.syspath_prepend(str(BENCH))
    from reference_full import blocking_pairs

    matches = dict(solve(parse_instance(doc)).matches)
    for a in sorted(matches)[::3]:
        del matches[a]

    found = blocking_pairs(doc, matches)

    assert found
    assert found == [p.to_json() for p in verify(parse_instance(doc), matches)]


def test_the_whole_job_reference_refuses_an_invalid_document(doc: dict, tmp_path: Path) -> None:
    doc["programs"][1]["ranking"].append(doc["programs"][1]["ranking"][0])

    proc = _run("reference_full.py", doc, tmp_path)

    assert proc.returncode == 2
    assert proc.stderr.decode().count("\n") == 1
    assert "twice" in proc.stderr.decode()
