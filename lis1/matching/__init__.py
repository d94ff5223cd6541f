"""lis1.matching: the pure-Python stable-matching engine for LIS1 rounds.

No Django, no I/O except the CLI (``python -m lis1.matching``). Public API:

* :func:`parse_instance` (decoded ``lis1-match/1`` document -> :class:`Instance`),
  :func:`instance_from_json` (JSON text or bytes -> :class:`Instance`); every invalid input
  raises :class:`InstanceError` (a ``ValueError``) with a one-line message;
* :func:`solve` (:class:`Instance` -> :class:`Result`): applicant-proposing deferred
  acceptance for programs with seat counts (the applicant-optimal stable matching), couples
  inserted Roth–Peranson style; ``Result.stable`` is the verifier's verdict on the output;
* :func:`compile_document` and :func:`solve_compiled`: the same on the integer form only, for a
  caller that never reads the object form (the CLI); ``None`` from the first means "use
  :func:`parse_instance`", which names any problem;
* :func:`verify` (instance, ``{applicant: program}``) -> every blocking pair, sorted;
* :func:`result_to_json`: deterministic JSON (sorted keys, 2-space indent);
* :func:`random_serial_dictatorship`, :func:`parse_rsd_instance`: municipal placement.

``input_sha256`` is the SHA-256 (hex) of the canonical JSON of the input document::

    json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

so the Django side can store it with the match run and anyone can re-run and compare.
Randomness comes only from the document's ``seed``: singles DA does not use it; couple
insertion uses it only when a couple's insertion has failed (a random stack order for its
last tries, and other couple orders after an unstable first attempt); RSD draws its
order from it.
"""

from lis1.matching.instance import (
    Applicant,
    Couple,
    Instance,
    InstanceError,
    Program,
    compile_document,
    input_sha256,
    instance_from_json,
    parse_instance,
)
from lis1.matching.result import ENGINE_VERSION, Result, Statistics, result_to_json
from lis1.matching.solve import solve, solve_compiled
from lis1.matching.verify import (
    BlockingPair,
    CoupleBlockingPair,
    MatchingError,
    SingleBlockingPair,
    verify,
)

TYPE_CHECKING = False  # as typing's; importing typing would be a tenth of a small CLI run
if TYPE_CHECKING:
    from lis1.matching.rsd import (
        RsdInstance,
        RsdResult,
        parse_rsd_instance,
        random_serial_dictatorship,
    )

# Municipal placement is imported on first use (PEP 562), so ``python -m lis1.matching`` on a
# stable-matching instance does not load it. (Names that are also submodules, ``solve`` and
# ``verify``, must stay eager: importing a submodule binds its name on the package.)
_LAZY = {
    "RsdInstance": "lis1.matching.rsd",
    "RsdResult": "lis1.matching.rsd",
    "parse_rsd_instance": "lis1.matching.rsd",
    "random_serial_dictatorship": "lis1.matching.rsd",
}


if not TYPE_CHECKING:  # mypy reads the imports above, and still flags an unknown name

    def __getattr__(name: str) -> object:
        if name not in _LAZY:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from importlib import import_module

        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_LAZY})


__all__ = [
    "ENGINE_VERSION",
    "Applicant",
    "BlockingPair",
    "Couple",
    "CoupleBlockingPair",
    "Instance",
    "InstanceError",
    "MatchingError",
    "Program",
    "Result",
    "RsdInstance",
    "RsdResult",
    "SingleBlockingPair",
    "Statistics",
    "compile_document",
    "input_sha256",
    "instance_from_json",
    "parse_instance",
    "parse_rsd_instance",
    "random_serial_dictatorship",
    "result_to_json",
    "solve",
    "solve_compiled",
    "verify",
]
