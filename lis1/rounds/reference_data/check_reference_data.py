#!/usr/bin/env python3
"""Consistency checks for the lis1 reference data CSV files in this folder.

Run:  python3 lis1/rounds/reference_data/check_reference_data.py
Exits non-zero (and prints the problems) if any check fails; prints a summary otherwise.
Standard library only, so it runs before Django is set up.
"""

import csv
import io
import re
import sys
from collections import Counter, OrderedDict
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMPILED_LINE = "# Compiled for lis1 on 2026-11-23"

EXPECTED_COUNTIES = OrderedDict(
    [
        ("03", ("Oslo", 1)),
        ("11", ("Rogaland", 23)),
        ("15", ("Møre og Romsdal", 27)),
        ("18", ("Nordland", 41)),
        ("31", ("Østfold", 12)),
        ("32", ("Akershus", 21)),
        ("33", ("Buskerud", 18)),
        ("34", ("Innlandet", 46)),
        ("39", ("Vestfold", 6)),
        ("40", ("Telemark", 17)),
        ("42", ("Agder", 25)),
        ("46", ("Vestland", 43)),
        ("50", ("Trøndelag", 38)),
        ("55", ("Troms", 21)),
        ("56", ("Finnmark", 18)),
    ]
)
EXPECTED_MUNICIPALITIES = 357
POSITIONS_RANGE = (575, 593)
EMPLOYER_KINDS = {"health_trust", "private_hospital"}

errors = []


def err(msg):
    errors.append(msg)


def read(name, header):
    """Return data rows (dicts) of a CSV file, checking its comment block and header."""
    path = HERE / name
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        err(f"{name}: not UTF-8 ({exc})")
        return []
    if text.startswith("\ufeff"):
        err(f"{name}: has a BOM")
    lines = text.splitlines()
    comments = [line for line in lines if line.startswith("#")]
    data = [line for line in lines if not line.startswith("#")]
    # Comment lines must all come first.
    first_data = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    if any(line.startswith("#") for line in lines[first_data:]):
        err(f"{name}: comment line after the header")
    for line in comments:
        if not line.startswith("# "):
            err(f"{name}: comment line not starting with '# ': {line!r}")
    if not any(line.startswith("# Source:") for line in comments):
        err(f"{name}: no '# Source:' line")
    if not any(line.startswith("# Licence:") for line in comments):
        err(f"{name}: no '# Licence:' line")
    if COMPILED_LINE not in comments:
        err(f"{name}: no {COMPILED_LINE!r} line")
    if any(line.strip() == "" for line in data):
        err(f"{name}: blank line in data")
    reader = csv.reader(io.StringIO("\n".join(data)))
    rows = list(reader)
    if not rows or rows[0] != header:
        err(f"{name}: header is {rows[0] if rows else None}, expected {header}")
        return []
    out = []
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            err(f"{name}: data row {n} has {len(row)} fields: {row}")
            continue
        for v in row:
            if v != v.strip():
                err(f"{name}: stray whitespace in {row}")
        out.append(dict(zip(header, row, strict=True)))
    return out


def orgnr_ok(s):
    """Brønnøysund organisation number: 9 digits, mod-11 check digit (weights 3 2 7 6 5 4 3 2)."""
    if not re.fullmatch(r"[89]\d{8}", s):
        return False
    weights = [3, 2, 7, 6, 5, 4, 3, 2]
    rest = sum(int(d) * w for d, w in zip(s[:8], weights, strict=True)) % 11
    check = 0 if rest == 0 else 11 - rest
    return check != 10 and check == int(s[8])


def unique(name, rows, key):
    c = Counter(r[key] for r in rows)
    for k, n in c.items():
        if n > 1:
            err(f"{name}: {key} {k!r} occurs {n} times")


# ---------------------------------------------------------------- municipalities
munis = read("municipalities_2024.csv", ["number", "name", "county_number", "county_name"])
unique("municipalities_2024.csv", munis, "number")
per_county: Counter[str] = Counter()
names_in_county: Counter[tuple[str, str]] = Counter()
prev = ""
for m in munis:
    num, cnr = m["number"], m["county_number"]
    if not re.fullmatch(r"\d{4}", num):
        err(f"municipality number not 4 digits: {num}")
    if not num.startswith(cnr):
        err(f"municipality {num} {m['name']} does not start with its county number {cnr}")
    if cnr not in EXPECTED_COUNTIES:
        err(f"municipality {num}: unknown county {cnr}")
    elif EXPECTED_COUNTIES[cnr][0] != m["county_name"]:
        err(
            f"municipality {num}: county name {m['county_name']!r} != {EXPECTED_COUNTIES[cnr][0]!r}"
        )
    if num <= prev:
        err(f"municipality {num} out of numeric order (after {prev})")
    prev = num
    if not m["name"]:
        err(f"municipality {num}: empty name")
    if "  " in m["name"] or re.search(r"\S-\s|\s-\S", m["name"]):
        err(f"municipality {num}: odd spacing around hyphen in {m['name']!r}")
    per_county[cnr] += 1
    names_in_county[(cnr, m["name"])] += 1
for (cnr, nm), n in names_in_county.items():
    if n > 1:
        err(f"county {cnr}: municipality name {nm!r} occurs {n} times")
for cnr, (cname, expected) in EXPECTED_COUNTIES.items():
    if per_county[cnr] != expected:
        err(f"county {cnr} {cname}: {per_county[cnr]} municipalities, expected {expected}")
if len(munis) != EXPECTED_MUNICIPALITIES:
    err(f"{len(munis)} municipalities, expected {EXPECTED_MUNICIPALITIES}")
muni_numbers = {m["number"]: m for m in munis}

# ---------------------------------------------------------------- regions
regions = read("regions.csv", ["code", "name"])
unique("regions.csv", regions, "code")
if len(regions) != 4:
    err(f"{len(regions)} regions, expected 4")
region_codes = {r["code"] for r in regions}

# ---------------------------------------------------------------- employers
employers = read(
    "employers.csv",
    ["code", "name", "kind", "region", "org_number", "counties", "lis1_positions_per_start"],
)
unique("employers.csv", employers, "code")
unique("employers.csv", employers, "name")
unique("employers.csv", [e for e in employers if e["org_number"]], "org_number")
employer_codes = {e["code"] for e in employers}
positions_by_region: Counter[str] = Counter()
for e in employers:
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", e["code"]):
        err(f"employer code not a slug: {e['code']!r}")
    if e["kind"] not in EMPLOYER_KINDS:
        err(f"employer {e['code']}: unknown kind {e['kind']!r}")
    if e["region"] not in region_codes:
        err(f"employer {e['code']}: unknown region {e['region']!r}")
    if e["org_number"] and not orgnr_ok(e["org_number"]):
        err(f"employer {e['code']}: org_number {e['org_number']} fails the mod-11 check")
    if e["kind"] == "health_trust" and not e["name"].endswith(" HF"):
        err(f"employer {e['code']}: health trust name should end in ' HF'")
    counties = e["counties"].split("|") if e["counties"] else []
    if not counties:
        err(f"employer {e['code']}: no counties")
    if len(set(counties)) != len(counties):
        err(f"employer {e['code']}: repeated county in {e['counties']}")
    for c in counties:
        if c not in EXPECTED_COUNTIES:
            err(f"employer {e['code']}: unknown county {c!r}")
    try:
        p = int(e["lis1_positions_per_start"])
        if p <= 0:
            raise ValueError
        positions_by_region[e["region"]] += p
    except ValueError:
        err(f"employer {e['code']}: bad lis1_positions_per_start {e['lis1_positions_per_start']!r}")
total_positions = sum(positions_by_region.values())
if not POSITIONS_RANGE[0] <= total_positions <= POSITIONS_RANGE[1]:
    err(f"total LIS1 positions per start {total_positions} outside {POSITIONS_RANGE}")

# ---------------------------------------------------------------- hospital sites
sites = read("hospital_sites.csv", ["code", "name", "employer", "municipality_number"])
unique("hospital_sites.csv", sites, "code")
unique("hospital_sites.csv", sites, "name")
sites_per_employer: Counter[str] = Counter()
for s in sites:
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s["code"]):
        err(f"site code not a slug: {s['code']!r}")
    if s["employer"] not in employer_codes:
        err(f"site {s['code']}: unknown employer {s['employer']!r}")
    if s["municipality_number"] not in muni_numbers:
        err(f"site {s['code']}: unknown municipality {s['municipality_number']!r}")
    sites_per_employer[s["employer"]] += 1
for e in employers:
    if sites_per_employer[e["code"]] == 0:
        err(f"employer {e['code']} has no hospital site")
# A site should lie in one of its employer's counties.
for s in sites:
    e = next((x for x in employers if x["code"] == s["employer"]), None)
    m = muni_numbers.get(s["municipality_number"])
    if e and m and m["county_number"] not in e["counties"].split("|"):
        err(
            f"site {s['code']} lies in county {m['county_number']}, "
            f"not among its employer's counties {e['counties']}"
        )

# ---------------------------------------------------------------- summary
print("Municipalities per county (2024):")
for cnr, (cname, expected) in EXPECTED_COUNTIES.items():
    mark = "ok" if per_county[cnr] == expected else f"EXPECTED {expected}"
    print(f"  {cnr} {cname:<16} {per_county[cnr]:>3}  {mark}")
print(f"  total               {len(munis):>3}")
print(f"Regions: {len(regions)}")
print(
    f"Employers: {len(employers)} "
    f"({sum(e['kind'] == 'health_trust' for e in employers)} health trusts, "
    f"{sum(e['kind'] == 'private_hospital' for e in employers)} private hospitals; "
    f"{sum(bool(e['org_number']) for e in employers)} with org_number)"
)
print(f"Hospital sites: {len(sites)}")
print("LIS1 positions per start, by region:")
for r in regions:
    print(f"  {r['name']:<22} {positions_by_region[r['code']]:>4}")
print(f"  {'total':<22} {total_positions:>4}  (expected {POSITIONS_RANGE[0]}-{POSITIONS_RANGE[1]})")

if errors:
    print(f"\n{len(errors)} PROBLEM(S):")
    for e in errors:
        print("  - " + e)
    sys.exit(1)
print("\nAll checks passed.")
