"""The review's own spans (``service.telemetry.review_span``): what an exporter receives, and what it does not."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from opentelemetry import trace
from opentelemetry.propagate import extract
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import StatusCode

from service import telemetry

SCOPE = InstrumentationScope("oversight.test")
TRACER = trace.get_tracer("oversight.test")
CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


@pytest.fixture
def exported() -> Iterator[InMemorySpanExporter]:
    telemetry.setup_tracing()
    if not telemetry._own_provider:
        pytest.skip("another tracer provider was installed first in this process")
    memory = InMemorySpanExporter()
    processor = SimpleSpanProcessor(memory)
    telemetry.attach_span_processor(processor)
    try:
        yield memory
    finally:
        telemetry.detach_span_processor(processor)


def test_parent_child_attributes_events_and_scope_reach_the_exporter(exported: InMemorySpanExporter) -> None:
    caller = extract({"traceparent": f"00-{CALLER_TRACE}-00f067aa0ba902b7-01"})
    with telemetry.review_span(TRACER, SCOPE, "outer", context=caller, attributes={"a": "1", "skip": None}) as outer:
        with telemetry.review_span(TRACER, SCOPE, "inner") as inner:
            inner.set_attribute("steps", "x=1")
        outer.set_attributes({"verdict": "block", "findings": 2})
        outer.add_event("finding", {"rule": "r1"})
    spans = {s.name: s for s in exported.get_finished_spans()}
    assert set(spans) == {"outer", "inner"}
    o, i = spans["outer"], spans["inner"]
    assert f"{o.context.trace_id:032x}" == CALLER_TRACE and o.parent is not None
    assert o.parent.span_id == 0x00F067AA0BA902B7  # the caller's span is the parent
    assert i.parent is not None and i.parent.span_id == o.context.span_id
    assert dict(o.attributes or {}) == {"a": "1", "verdict": "block", "findings": 2}
    assert [e.name for e in o.events] == ["finding"] and dict(o.events[0].attributes or {}) == {"rule": "r1"}
    assert o.instrumentation_scope is not None and o.instrumentation_scope.name == "oversight.test"
    assert o.status.status_code is StatusCode.UNSET
    assert (
        o.start_time is not None and o.end_time is not None and o.start_time <= i.start_time <= i.end_time <= o.end_time
    )


def test_an_exception_marks_the_span_as_an_error_and_is_recorded(exported: InMemorySpanExporter) -> None:
    with pytest.raises(RuntimeError), telemetry.review_span(TRACER, SCOPE, "failing"):
        raise RuntimeError("store down")
    (span,) = exported.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR and span.status.description == "RuntimeError: store down"
    (event,) = span.events
    assert event.name == "exception" and (event.attributes or {})["exception.type"] == "RuntimeError"


def test_an_unsampled_caller_or_no_exporter_records_nothing_but_keeps_real_ids(exported: InMemorySpanExporter) -> None:
    caller = extract({"traceparent": f"00-{CALLER_TRACE}-00f067aa0ba902b7-00"})  # sampled flag off
    with telemetry.review_span(TRACER, SCOPE, "unsampled", context=caller) as span:
        assert not span.is_recording()
        assert f"{span.get_span_context().trace_id:032x}" == CALLER_TRACE
    assert exported.get_finished_spans() == ()


def test_without_an_exporter_a_span_has_fresh_valid_ids_and_records_nothing() -> None:
    telemetry.setup_tracing()
    if telemetry._fanout is not None and telemetry._fanout.active:
        pytest.skip("an exporter is attached in this process (OTEL_TRACES_EXPORTER)")
    with telemetry.review_span(TRACER, SCOPE, "alone") as a, telemetry.review_span(TRACER, SCOPE, "alone") as b:
        assert not a.is_recording() and a.get_span_context().is_valid
        assert a.get_span_context().trace_id == b.get_span_context().trace_id  # b is a's child
        assert a.get_span_context().span_id != b.get_span_context().span_id


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"OTEL_SDK_DISABLED": "true"}, "0" * 32),  # no spans at all: the documented all-zero trace id
        ({"OTEL_TRACES_SAMPLER": "always_off"}, "sdk"),  # the configured sampler decides, on SDK spans
    ],
)
def test_sdk_switches_in_the_environment_are_honoured(env: dict[str, str], expected: str) -> None:
    """Process-wide settings, so each runs in a fresh interpreter."""
    code = (
        "from opentelemetry import trace\n"
        "from opentelemetry.sdk.util.instrumentation import InstrumentationScope\n"
        "from service import telemetry\n"
        "telemetry.setup_tracing()\n"
        "with telemetry.review_span(trace.get_tracer('t'), InstrumentationScope('t'), 'x') as s:\n"
        "    print(type(s).__name__, f'{s.get_span_context().trace_id:032x}', telemetry._own_provider)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout.split()
    assert out[2] == "False"  # review_span leaves these to the SDK
    if expected == "sdk":
        assert out[0] == "NonRecordingSpan" and out[1] != "0" * 32  # sampled out, real ids
    else:
        assert out[1] == expected


async def test_a_failed_reviewer_call_still_says_what_it_cost_on_its_span(exported: InMemorySpanExporter) -> None:
    # Before: only error.type; an abstention that consumed thousands of input tokens showed no usage at all.
    from service.reviewers.base import ReviewerAbstained
    from tests.graphs.fakes import ScriptedReviewer
    from tests.graphs.test_review_graph import ports, request, run, state

    reviewer = ScriptedReviewer(ReviewerAbstained("refused", usage={"input_tokens": 2237, "output_tokens": 3}, attempts=2))
    await run(ports(reviewer), state("rev_span_1", request("Rest and drink fluids.")))
    chat = next(s for s in exported.get_finished_spans() if s.name == "chat scripted")
    attrs = dict(chat.attributes or {})
    assert attrs["error.type"] == "reviewer_abstained" and chat.status.status_code is StatusCode.ERROR
    assert attrs["oversight.reviewer.attempts"] == 2
    assert attrs["gen_ai.usage.input_tokens"] == 2237 and attrs["gen_ai.usage.output_tokens"] == 3


async def test_the_chat_span_names_the_model_that_answered(exported: InMemorySpanExporter) -> None:
    from service.reviewers.base import ReviewerResult, ReviewerVerdict
    from service.vocabulary import Verdict
    from tests.graphs.fakes import ScriptedReviewer
    from tests.graphs.test_review_graph import ports, request, run, state

    class Answering(ScriptedReviewer):
        async def review(self, item):  # type: ignore[no-untyped-def]
            result: ReviewerResult = await super().review(item)
            return dataclasses.replace(result, response_model="scripted-2026-05-01")

    reviewer = Answering(ReviewerVerdict(verdict=Verdict.approve, critique="ok", confidence=0.9))
    await run(ports(reviewer), state("rev_span_2", request("Rest and drink fluids.")))
    chat = next(s for s in exported.get_finished_spans() if s.name == "chat scripted")
    attrs = dict(chat.attributes or {})
    assert attrs["gen_ai.request.model"] == "scripted" and attrs["gen_ai.response.model"] == "scripted-2026-05-01"
