"""The exact step against brute force: the SAT verdict, the stable matching it returns, the
applicant-favouring promise and the MaxSAT minimum all checked on tiny random markets."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from lis1.matching import parse_instance, result_to_json, solve
from lis1.matching.compiled import compile_instance
from lis1.matching.deferred_acceptance import deferred_acceptance
from lis1.matching.exact import (
    DEFAULT_BUDGET,
    ExactBudget,
    _relaxed,
    blocking_agents,
    decide,
    fewest_blocking_agents,
    main,
    refine,
)
from lis1.matching.exact_encode import encode
from lis1.matching.verify import blocking_pairs, verify

from .helpers import feasible_matchings, random_instance, reference_blocking_pairs, rup_refutes


def _agents(doc: dict[str, Any]) -> list[tuple[str, list[Any], list[str]]]:
    out = [("single", a["ranking"], [a["id"]]) for a in doc["applicants"]]
    out += [("couple", [tuple(o) for o in c["ranking"]], c["members"]) for c in doc["couples"]]
    return out


def _position(agent: tuple[str, list[Any], list[str]], matches: dict[str, Any]) -> int:
    """Position of what the agent holds on its list; len(list) when unmatched (worst)."""
    kind, lst, members = agent
    if kind == "single":
        p = matches.get(members[0])
        return len(lst) if p is None else lst.index(p)
    pair = (matches.get(members[0]), matches.get(members[1]))
    return len(lst) if pair == (None, None) else lst.index(pair)


def _blocking_agents(pairs: list[dict[str, Any]]) -> int:
    return len({p.get("applicant") or p.get("couple") for p in pairs})


def _docs(n: int, seed: int, **kw: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [random_instance(rng, **kw) for _ in range(n)]


TINY = _docs(
    2000, 14, max_singles=3, max_programs=3, max_couples=2, max_capacity=2, max_pairs=5
) + _docs(3000, 15, max_singles=3, max_programs=3, max_couples=2, max_capacity=1, max_pairs=8)


def test_sat_verdict_equals_brute_force_on_thousands_of_tiny_markets() -> None:
    verdicts = {"stable": 0, "none_exists": 0}
    for doc in TINY:
        feasible = list(feasible_matchings(doc))
        stable = [m for m in feasible if not reference_blocking_pairs(doc, m)]
        c = compile_instance(parse_instance(doc))
        enc = encode(c)
        rel = _relaxed(enc, c, deferred_acceptance(c).assigned)
        verdict = decide(rel, DEFAULT_BUDGET)
        rel.solver.delete()
        assert verdict == ("stable" if stable else "none_exists"), doc
        verdicts[verdict] += 1
    # The sample must exercise both answers, or the comparison proves little.
    assert verdicts["none_exists"] >= 30, verdicts
    assert verdicts["stable"] >= 4000, verdicts


def test_solve_returns_a_stable_applicant_favouring_matching_or_the_fewest_blocking_agents() -> (
    None
):
    seen = {"sat_stable": 0, "maxsat": 0}
    for doc in TINY:
        feasible = list(feasible_matchings(doc))
        blocking = {id(m): reference_blocking_pairs(doc, m) for m in feasible}
        stable = [m for m in feasible if not blocking[id(m)]]
        result = solve(parse_instance(doc))
        got = dict(result.matches)
        got_blocking = reference_blocking_pairs(doc, got)
        if stable:
            assert result.verdict == "stable" and result.stable and not got_blocking, doc
            agents = _agents(doc)
            mine = [_position(g, got) for g in agents]
            for m in stable:  # no stable matching is at least as good for all, better for one
                theirs = [_position(g, m) for g in agents]
                dominates = (
                    all(t <= o for t, o in zip(theirs, mine, strict=True)) and theirs != mine
                )
                assert not dominates, (doc, got, m)
            # The engine rarely fails here, so run the exact step on its matching anyway.
            c = compile_instance(parse_instance(doc))
            engine = [c.program_ids.index(got[a]) if a in got else -1 for a in c.applicant_ids]
            out = refine(c, engine, [], DEFAULT_BUDGET, lambda a, c=c: blocking_pairs(c, a))
            assert out.verdict == "stable" and out.report["applicant_favouring"] is True
            forced = {
                c.applicant_ids[a]: c.program_ids[p] for a, p in enumerate(out.assigned) if p >= 0
            }
            assert not reference_blocking_pairs(doc, forced)
            mine = [_position(g, forced) for g in agents]
            for m in stable:
                theirs = [_position(g, m) for g in agents]
                dominates = (
                    all(t <= o for t, o in zip(theirs, mine, strict=True)) and theirs != mine
                )
                assert not dominates, (doc, forced, m)
            seen["sat_stable"] += 1
        else:
            assert result.verdict == "none_exists" and not result.stable, doc
            fewest = min(_blocking_agents(blocking[id(m)]) for m in feasible)
            assert result.exact is not None
            engine = solve(parse_instance(doc), exact=None)
            source = result.exact["matching_source"]
            if blocking_agents(engine.blocking_pairs) == fewest:
                assert source == "engine_fewest_blocking_agents"
                assert dict(result.matches) == dict(engine.matches)
            else:
                assert source == "maxsat_fewest_blocking_agents"
            # The MaxSAT search itself, from a bound far above the minimum.
            c = compile_instance(parse_instance(doc))
            enc = encode(c)
            rel = _relaxed(enc, c, [-1] * len(c.applicant_ids))
            assert decide(rel, DEFAULT_BUDGET) == "none_exists"
            found = fewest_blocking_agents(
                enc,
                c,
                rel,
                99,
                DEFAULT_BUDGET,
                lambda a, c=c: blocking_agents(blocking_pairs(c, a)),
            )
            rel.solver.delete()
            assert found is not None and found[1] == fewest and found[2] is True
            assert blocking_agents(blocking_pairs(c, found[0])) == fewest
            assert _blocking_agents(got_blocking) == fewest == result.exact["blocking_agents"]
            assert [p.to_json() for p in result.blocking_pairs] == got_blocking
            seen["maxsat"] += 1
    assert seen["sat_stable"] >= 4000 and seen["maxsat"] >= 30, seen


def test_result_json_states_verdict_solver_and_encoder() -> None:
    doc = KLAUS_KLIJN
    data = json.loads(result_to_json(solve(parse_instance(doc))))
    assert data["verdict"] == "none_exists"
    exact = data["exact"]
    assert exact["encoder"].startswith("lis1-stability-cnf/")
    assert "Glucose" in exact["solver"]
    assert len(exact["encoding_sha256"]) == 64
    assert data["blocking_pairs"] and data["stable"] is False


def _klaus_klijn() -> dict[str, Any]:
    """No stable matching (Klaus & Klijn 2005, Example 2.1 style; Roth 1984): one couple,
    one single, two one-seat hospitals. The couple wants (H1, H2), else nothing; H1 prefers
    the single, who prefers H1. Wherever the single is, someone blocks."""
    return {
        "format": "lis1-match/1",
        "seed": 3,
        "programs": [
            {"id": "H1", "capacity": 1, "ranking": ["M1", "S"]},
            {"id": "H2", "capacity": 1, "ranking": ["S", "M2"]},
        ],
        "applicants": [{"id": "S", "ranking": ["H1", "H2"]}],
        "couples": [{"id": "C", "members": ["M1", "M2"], "ranking": [["H1", "H2"]]}],
    }


KLAUS_KLIJN = _klaus_klijn()


def test_literature_example_has_no_stable_matching() -> None:
    doc = KLAUS_KLIJN
    feasible = list(feasible_matchings(doc))
    assert all(reference_blocking_pairs(doc, m) for m in feasible)  # the example is right
    result = solve(parse_instance(doc))
    assert result.verdict == "none_exists"
    assert (
        len(
            {
                p.to_json().get("applicant") or p.to_json().get("couple")
                for p in result.blocking_pairs
            }
        )
        == 1
    )


def test_roth_peranson_style_no_stable_pair_at_the_same_hospital() -> None:
    """A couple wanting both seats of a two-seat program: with a single it ranks between
    them, no stable matching exists (a (P, P) pair needs two seats)."""
    doc = {
        "format": "lis1-match/1",
        "seed": 1,
        "programs": [
            {"id": "P", "capacity": 2, "ranking": ["M1", "S", "M2"]},
            {"id": "Q", "capacity": 1, "ranking": ["M2", "S"]},
        ],
        "applicants": [{"id": "S", "ranking": ["P", "Q"]}],
        "couples": [
            {"id": "C", "members": ["M1", "M2"], "ranking": [["P", "P"], ["P", "Q"]]},
        ],
    }
    stable = [m for m in feasible_matchings(doc) if not reference_blocking_pairs(doc, m)]
    result = solve(parse_instance(doc))
    assert result.verdict == ("stable" if stable else "none_exists")
    assert verify(parse_instance(doc), dict(result.matches)) == list(result.blocking_pairs)


def test_same_instance_same_result_json_every_time() -> None:
    doc = _market(seed=5, share=0.3)
    first = result_to_json(solve(parse_instance(doc)))
    again = result_to_json(solve(parse_instance(json.loads(json.dumps(doc)))))
    assert first == again
    assert json.loads(first)["verdict"] in {"stable", "none_exists", "unknown"}


def _market(seed: int, share: float) -> dict[str, Any]:
    from lis1.matching.generate import nrmp_instance

    return nrmp_instance(
        seed,
        n_applicants=200,
        n_programs=12,
        seats=90,
        mean_list=5,
        longest=10,
        couple_share=share,
        n_cities=3,
    )


def test_conflict_budget_spent_gives_unknown_and_keeps_the_engine() -> None:
    budget = ExactBudget(decide_conflicts=1)
    doc = KLAUS_KLIJN
    engine = solve(parse_instance(doc), exact=None)
    result = solve(parse_instance(doc), exact=budget)
    # One conflict may or may not be enough for this tiny one; both answers are honest.
    assert result.verdict in {"none_exists", "unknown"}
    if result.verdict == "unknown":
        assert dict(result.matches) == dict(engine.matches)


def test_over_the_size_budget_is_skipped_with_a_reason() -> None:
    result = solve(parse_instance(KLAUS_KLIJN), exact=ExactBudget(max_applicants=2))
    assert result.verdict == "skipped"
    assert result.exact is not None
    assert "3 applicants" in result.exact["skipped_reason"]
    assert result.exact["matching_source"] == "engine"


def test_fewer_blocking_agents_replace_the_engine_unless_the_maxsat_budget_runs_out() -> None:
    """With the empty matching standing in for a poor engine result, MaxSAT beats it; with
    no conflicts to spend, the given matching is kept and said to be a fallback."""
    beaten = 0
    for doc in TINY:
        c = compile_instance(parse_instance(doc))
        empty = [-1] * len(c.applicant_ids)
        pairs = blocking_pairs(c, empty)
        if blocking_agents(pairs) < 3:
            continue
        out = refine(c, empty, pairs, DEFAULT_BUDGET, lambda a, c=c: blocking_pairs(c, a))
        if out.verdict != "none_exists":
            continue
        fewest = min(
            _blocking_agents(reference_blocking_pairs(doc, m)) for m in feasible_matchings(doc)
        )
        if fewest < blocking_agents(pairs):
            assert out.report["matching_source"] == "maxsat_fewest_blocking_agents"
            assert blocking_agents(blocking_pairs(c, out.assigned)) == fewest
            beaten += 1
        spent = refine(
            c, empty, pairs, ExactBudget(maxsat_conflicts=0), lambda a, c=c: blocking_pairs(c, a)
        )
        assert spent.report["matching_source"] == "engine_fallback"
        assert spent.assigned == empty
    assert beaten >= 10


def test_certificate_command_writes_cnf_and_drat_proof(tmp_path: Any, capsys: Any) -> None:
    path = tmp_path / "kk.json"
    path.write_text(json.dumps(KLAUS_KLIJN))
    cnf, proof = tmp_path / "kk.cnf", tmp_path / "kk.drat"
    assert main([str(path), "--dimacs", str(cnf), "--proof", str(proof)]) == 0
    out = capsys.readouterr().out
    assert "verdict none_exists" in out
    result = solve(parse_instance(KLAUS_KLIJN))
    assert result.exact is not None
    assert f"encoding_sha256 {result.exact['encoding_sha256']}" in out
    assert cnf.read_text().startswith("p cnf ")
    assert proof.read_text().strip().splitlines()[-1].strip() == "0"  # the empty clause
    # The proof refutes the formula it was written for, checked without the solver (every
    # lemma by reverse unit propagation); the empty clause alone does not: the proof carries
    # the argument.
    lines = proof.read_text().splitlines()
    assert rup_refutes(cnf.read_text(), lines)
    assert not rup_refutes(cnf.read_text(), ["0"])


@pytest.mark.parametrize("share", [0.1, 0.3])
def test_medium_markets_agree_with_the_verifier(share: float) -> None:
    for seed in range(3):
        doc = _market(seed, share)
        result = solve(parse_instance(doc))
        assert verify(parse_instance(doc), dict(result.matches)) == list(result.blocking_pairs)
        assert result.stable == (result.verdict == "stable")
