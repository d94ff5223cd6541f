"""gc_paused: no garbage collection during parse and solve, and the collector's state is
given back as it was, also when the block raises."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from typing import Any

import pytest

from lis1.matching import InstanceError, parse_instance, solve
from lis1.matching.cli import run
from lis1.matching.generate import nrmp_instance
from lis1.matching.instance import _parse_fast, gc_paused


@pytest.fixture
def gc_enabled() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_gc_is_off_inside_and_back_on_after(gc_enabled: None) -> None:
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_gc_comes_back_on_when_the_block_raises(gc_enabled: None) -> None:
    with pytest.raises(InstanceError), gc_paused():
        raise InstanceError("boom")
    assert gc.isenabled()


def test_parse_instance_that_fails_gives_gc_back(gc_enabled: None) -> None:
    with pytest.raises(InstanceError):
        parse_instance({"format": "lis1-match/1", "seed": "x", "programs": [], "applicants": []})
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        with pytest.raises(ValueError), gc_paused():
            raise ValueError
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


def test_nested_blocks_leave_the_state_to_the_outermost(gc_enabled: None) -> None:
    with gc_paused():
        with gc_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def _collections_during(fn: Any, *args: Any) -> tuple[Any, int]:
    runs: list[Any] = []

    def count(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            runs.append(info)

    gc.collect()
    gc.callbacks.append(count)
    try:
        value = fn(*args)
    finally:
        gc.callbacks.remove(count)
    return value, len(runs)


def test_parse_and_solve_collect_at_most_once_each_after_the_block(gc_enabled: None) -> None:
    # Inside the block nothing is collected; the first allocation after it may start one
    # collection of what the block built (the CLI freezes it instead: see below).
    doc = nrmp_instance(3, n_applicants=3000, n_programs=400, seats=2600, couple_share=0.02)

    instance, during_parse = _collections_during(parse_instance, doc)
    result, during_solve = _collections_during(solve, instance)
    _, unguarded = _collections_during(_parse_fast, doc)

    assert result.statistics.applicants == 3000
    assert result.statistics.couples > 0
    assert during_parse <= 1
    assert during_solve <= 1
    assert unguarded > 3  # the same parse without the guard: the check above can fail
    assert gc.isenabled()


def test_the_cli_run_collects_nothing(gc_enabled: None) -> None:
    text = json.dumps(nrmp_instance(4, n_applicants=2000, n_programs=300, seats=1800)).encode()
    frozen_before = gc.get_freeze_count()
    try:
        output, collections = _collections_during(run, text)
        assert gc.get_freeze_count() > frozen_before
    finally:
        gc.unfreeze()

    assert json.loads(output)["stable"] is True
    assert collections == 0
    assert gc.isenabled()


def test_freeze_moves_the_objects_out_of_the_collectors_reach(gc_enabled: None) -> None:
    frozen_before = gc.get_freeze_count()
    try:
        with gc_paused(freeze=True):
            kept = [[i] for i in range(1000)]
        assert gc.get_freeze_count() >= frozen_before + 1000
        assert gc.isenabled()
    finally:
        gc.unfreeze()
    assert len(kept) == 1000
