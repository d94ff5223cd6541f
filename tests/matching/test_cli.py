"""``python -m lis1.matching`` in a subprocess: results, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lis1.matching import parse_instance, result_to_json, solve
from tests.matching.invalid_cases import INVALID, valid_doc

REPO = Path(__file__).resolve().parents[2]


def run_cli(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "lis1.matching", *args],
        input=stdin,
        capture_output=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )


def write(tmp_path: Path, doc: Any) -> str:
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def test_cli_valid_file_prints_result_json(tmp_path: Path) -> None:
    proc = run_cli(write(tmp_path, valid_doc()))

    assert (proc.returncode, proc.stderr) == (0, b"")
    out = json.loads(proc.stdout)
    assert out["format"] == "lis1-match-result/1"
    assert (out["matches"], out["unmatched"], out["stable"]) == (
        {"A1": "P1", "A2": "P1"},
        ["A3", "A4"],
        True,
    )
    expected = result_to_json(solve(parse_instance(valid_doc())))
    assert proc.stdout == expected.encode() + b"\n"


def test_cli_reads_stdin_without_argument_and_with_dash() -> None:
    text = json.dumps(valid_doc()).encode()

    plain = run_cli(stdin=text)
    dash = run_cli("-", stdin=text)

    assert (plain.returncode, dash.returncode) == (0, 0)
    assert plain.stdout == dash.stdout
    assert json.loads(plain.stdout)["stable"] is True


def test_cli_output_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    path = write(tmp_path, valid_doc())

    outputs = {run_cli(path, env={"PYTHONHASHSEED": str(s)}).stdout for s in (0, 1, 12345)}

    assert len(outputs) == 1


def test_cli_rsd_format(tmp_path: Path) -> None:
    doc = {
        "format": "lis1-rsd/1",
        "seed": 7,
        "places": {"M1": 1, "M2": 1},
        "doctors": [{"id": "A1", "ranking": ["M1", "M2"]}, {"id": "A2", "ranking": ["M1"]}],
    }

    proc = run_cli(write(tmp_path, doc))

    assert proc.returncode == 0
    out = json.loads(proc.stdout)
    assert sorted(out) == ["assignment", "engine", "format", "input_sha256", "order", "unassigned"]
    assert out["format"] == "lis1-rsd-result/1"
    assert sorted(out["order"]) == ["A1", "A2"]
    first = out["order"][0]
    assert out["assignment"][first] == "M1"


def test_cli_help_exits_zero() -> None:
    proc = run_cli("--help")

    assert proc.returncode == 0
    assert b"INSTANCE.json" in proc.stdout


def assert_one_line_error(proc: subprocess.CompletedProcess[bytes], word: str) -> None:
    assert proc.returncode == 2
    assert proc.stdout == b""
    lines = proc.stderr.decode().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("lis1.matching: error: ")
    assert word in lines[0]


@pytest.mark.parametrize(("name", "doc", "word"), INVALID, ids=[c[0] for c in INVALID])
def test_cli_invalid_instance_exits_2_with_one_line(
    tmp_path: Path, name: str, doc: Any, word: str
) -> None:
    assert_one_line_error(run_cli(write(tmp_path, doc)), word)


@pytest.mark.parametrize(
    ("data", "word"),
    [
        (b"{", "malformed JSON"),
        (b"", "malformed JSON"),
        (b'{"format": "lis1-match/1", "seed": NaN}', "NaN"),
        (b"\xff\xfe\x00", "UTF-8"),
        (b'{"format": "nope"}', "format"),
    ],
)
def test_cli_bad_json_on_stdin_exits_2_with_one_line(data: bytes, word: str) -> None:
    assert_one_line_error(run_cli(stdin=data), word)


def test_cli_unreadable_file_exits_2_with_one_line(tmp_path: Path) -> None:
    assert_one_line_error(run_cli(str(tmp_path / "missing.json")), "cannot read")


def test_cli_directory_argument_exits_2_with_one_line(tmp_path: Path) -> None:
    assert_one_line_error(run_cli(str(tmp_path)), "cannot read")


def test_cli_unknown_option_exits_2_with_one_line() -> None:
    assert_one_line_error(run_cli("--frobnicate"), "frobnicate")
