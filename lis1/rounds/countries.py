"""Reference lists of countries (ISO 3166-1 alpha-2 codes): the one definition of the EU/EEA,
used by the employers' education filter, the status report's country groups and the demo.

Plain Python, so the report's pure builder can import it."""

from __future__ import annotations

NORWAY = "NO"

# EU member states plus Iceland, Liechtenstein and Norway (EEA). The United Kingdom left in 2020.
EEA_COUNTRIES = frozenset(
    (
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
        "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
    )
)  # fmt: skip

#: The EU/EEA countries other than Norway (Norway is a group of its own wherever groups are).
OTHER_EEA_COUNTRIES = EEA_COUNTRIES - {NORWAY}
