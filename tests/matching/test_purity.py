"""lis1.matching stays pure: importing it must not import Django."""

from __future__ import annotations

from tests.fresh_python import fresh_python


def test_import_lis1_matching_does_not_import_django() -> None:
    code = (
        "import lis1.matching, lis1.matching.cli, lis1.matching.generate, sys; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )

    fresh_python(code)


def _modules_after(code: str) -> set[str]:
    return set(fresh_python(f"{code}; import sys; print(' '.join(sorted(sys.modules)))").split())


def test_the_cli_imports_only_what_a_run_needs() -> None:
    singles = (
        "import json; from lis1.matching.cli import run; "
        "run(json.dumps({'format': 'lis1-match/1', 'seed': 1, "
        "'programs': [{'id': 'P', 'capacity': 1, 'ranking': ['A']}], "
        "'applicants': [{'id': 'A', 'ranking': ['P']}]}).encode())"
    )
    couples = singles.replace(
        "'applicants': [{'id': 'A', 'ranking': ['P']}]",
        "'applicants': [], 'couples': [{'id': 'C', 'members': ['A', 'B'], "
        "'ranking': [['P', None]]}]",
    )

    loaded = _modules_after(singles)
    assert "lis1.matching.solve" in loaded
    # A singles market has no couples to insert, no blocking pairs for the exact step and
    # is not a municipal placement.
    assert not loaded & {"lis1.matching.couples", "lis1.matching.exact", "lis1.matching.rsd"}
    # Nor does the run need typing (annotations only) or argparse (options and help only).
    assert not loaded & {"typing", "argparse"}
    assert "lis1.matching.couples" in _modules_after(couples)


def test_the_package_names_resolve_lazily_and_stay_the_functions() -> None:
    import lis1.matching
    import lis1.matching.solve
    import lis1.matching.verify
    from lis1.matching import parse_rsd_instance, solve, verify
    from lis1.matching.rsd import parse_rsd_instance as defined

    assert parse_rsd_instance is defined
    # Importing a submodule binds its name on the package; the eager names stay functions.
    assert callable(solve) and callable(verify)
    assert set(lis1.matching.__all__) <= set(dir(lis1.matching))
    try:
        lis1.matching.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("an unknown name must raise AttributeError")
