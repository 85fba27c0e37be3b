"""Heavy answers pause automatic garbage collection while they are built (registry/graphql/budget.py)."""

from __future__ import annotations

import gc

from registry.graphql.budget import collector_paused


def test_the_collector_is_paused_while_heavy_answers_overlap_and_resumed_after_the_last() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled(), "still paused while the first answer is built"
    assert gc.isenabled()


def test_a_collector_someone_else_turned_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_resumes_when_an_answer_fails() -> None:
    try:
        with collector_paused():
            raise RuntimeError("a resolver failed")
    except RuntimeError:
        pass
    assert gc.isenabled()
