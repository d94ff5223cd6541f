"""lis1.simulation stays pure: it imports and runs with Django impossible to import."""

from __future__ import annotations

from tests.fresh_python import fresh_python


def test_lis1_simulation_runs_with_django_blocked() -> None:
    code = (
        "import sys; sys.modules['django'] = None; "  # any `import django...` now fails
        "import lis1.simulation.projection as p, lis1.simulation.waves as w, "
        "lis1.simulation.documents, lis1.simulation.calibration; "
        "from lis1.simulation.national import national_snapshot; "
        "from lis1.simulation.model import Assumptions; "
        "s = national_snapshot(positions=40, applicants=90); "
        "r = p.project(s, Assumptions(), rounds=2, replications=2); "
        "d, rural = w.synthetic_round(s); w.offer_waves_document(d, rural=rural); "
        "assert not any(m.startswith('django.') for m in sys.modules)"
    )

    fresh_python(code)
