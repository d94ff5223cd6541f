"""lis1.simulation: the policy lab, pure Python like lis1.matching (no Django, no I/O).

* :mod:`~lis1.simulation.model`: the inputs (MarketSnapshot, Assumptions, Scenario);
* :mod:`~lis1.simulation.projection`: project, compare, seats_needed over rounds;
* :mod:`~lis1.simulation.waves`: today's five offer waves against the central match;
* :mod:`~lis1.simulation.national`: a national market from published figures alone.

The Django side (``lis1.simulation_data``) reads the database and calls these.
"""
