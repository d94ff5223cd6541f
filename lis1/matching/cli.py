"""``python -m lis1.matching [INSTANCE.json|-]``: solve an instance, print the result JSON.

The document's ``format`` picks the job: ``lis1-match/1`` (stable matching) or
``lis1-rsd/1`` (municipal placement). Invalid input exits with status 2 and exactly one
line on stderr, never a traceback.
"""

from __future__ import annotations

import sys

from lis1.matching.instance import (
    MATCH_FORMAT,
    RSD_FORMAT,
    InstanceError,
    compile_document,
    gc_paused,
    load_json,
    optional_orjson,
    parse_checked,
)
from lis1.matching.result import Result, dumps, result_to_json
from lis1.matching.solve import solve, solve_compiled

TYPE_CHECKING = False  # as typing's; importing typing would be a tenth of a small CLI run
if TYPE_CHECKING:
    import argparse
    from typing import Any, NoReturn

PROG = "lis1.matching"
EXIT_INVALID = 2


def _parser() -> argparse.ArgumentParser:
    import argparse  # only for options, help and usage errors (its import is a tenth of a
    # small run)

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:
            # argparse would print the usage too; keep the one-line error promise.
            _fail(message)

    parser = _Parser(
        prog=f"python -m {PROG}",
        description=(
            "Solve a lis1-match/1 instance (stable matching with couples) or a lis1-rsd/1 "
            "instance (municipal placement) and write the result JSON to stdout."
        ),
        epilog="Exit status: 0 solved, 2 invalid input (one line on stderr).",
    )
    parser.add_argument(
        "instance",
        nargs="?",
        default="-",
        metavar="INSTANCE.json",
        help="instance file; '-' or nothing reads standard input",
    )
    return parser


def _instance_path(argv: list[str]) -> str:
    """The one positional argument, read without argparse when that is all there is."""
    if not argv:
        return "-"
    if len(argv) == 1 and (argv[0] == "-" or not argv[0].startswith("-")):
        return argv[0]
    path: str = _parser().parse_args(argv).instance
    return path


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"{PROG}: error: {' '.join(message.split())}\n")
    sys.stderr.flush()
    raise SystemExit(EXIT_INVALID)


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        _fail(f"cannot read {path}: {exc.strerror or exc}")


def run(text: bytes) -> str:
    """Solve a document given as bytes and return the result JSON text (no newline).

    For the CLI's one run per process: what it builds is frozen out of the garbage
    collector's reach afterwards (see :func:`gc_paused`)."""
    with gc_paused(freeze=True):
        return _run(text)


def _run(text: bytes) -> str:
    obj: Any = load_json(text)
    if isinstance(obj, dict) and obj.get("format") == RSD_FORMAT:
        from lis1.matching.rsd import parse_rsd_instance, rsd_result_json, solve_rsd

        rsd = parse_rsd_instance(obj)
        return dumps(rsd_result_json(rsd, solve_rsd(rsd)))
    if isinstance(obj, dict) and "format" in obj and obj["format"] != MATCH_FORMAT:
        raise InstanceError(
            f'wrong format {dumps(obj["format"])} (expected "{MATCH_FORMAT}" or "{RSD_FORMAT}")'
        )
    fast = compile_document(obj)
    if fast is not None:  # a valid document, checked in one pass; no object form needed
        return _result_text(solve_compiled(fast.compiled, fast.seed, fast.input_sha256))
    # Not taken by the one-pass check: the checks name the problem (or build a valid but
    # unusual document the slow way).
    return _result_text(solve(parse_checked(obj)))


def _result_text(result: Result) -> str:
    """``result_to_json(result)``, encoded by orjson when that pays for its import: a result
    holds only strings, integers, booleans, lists and string-keyed objects, which orjson
    writes byte for byte as ``json.dumps(sort_keys=True, indent=2, ensure_ascii=False)``."""
    orjson = optional_orjson(len(result.matches) + len(result.unmatched))
    if orjson is not None:
        try:
            return orjson.dumps(
                result.to_json(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
            ).decode()
        except orjson.JSONEncodeError:
            pass
    return result_to_json(result)


def main(argv: list[str] | None = None) -> int:
    text = _read(_instance_path(sys.argv[1:] if argv is None else argv))
    try:
        output = run(text)
    except InstanceError as exc:
        _fail(str(exc))
    sys.stdout.buffer.write(output.encode() + b"\n")
    sys.stdout.flush()
    return 0
