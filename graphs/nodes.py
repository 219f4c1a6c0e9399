"""The review graph's nodes: async, small, and pure over the injected ports."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from langgraph.types import interrupt
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from graphs.lineage import same_model, same_vendor
from graphs.ports import ReviewPorts
from graphs.state import ReviewState
from service.policy.decide import Proposal, after_revision, decide
from service.policy.engine import at_least
from service.reviewers.base import (
    Analysis,
    Reviewer,
    ReviewerAbstained,
    ReviewerError,
    ReviewerResult,
    ReviewItem,
)
from service.schemas import (
    Decision,
    EscalationInfo,
    FallbackFrom,
    Finding,
    ReviewerInfo,
    ReviewerOutcome,
)
from service.telemetry import (
    capture_message_content,
    genai_response_attributes,
    genai_usage_attributes,
    input_messages_json,
    output_messages_json,
)
from service.vocabulary import Domain, ReviewerOutcomeKind, Risk, Verdict

log = logging.getLogger("oversight.graph")

PRIMARY_SHARE = 2 / 3
"""With a fallback reviewer, the share of the review's remaining time the primary may use; the fallback has the rest."""
MIN_FALLBACK_S = 0.2
"""Below this much time left, the fallback is not asked (its call could not finish): the primary's failure stands."""

_tracer = trace.get_tracer("oversight.graph")
_RISK_RANK = {Risk.low: 0, Risk.medium: 1, Risk.high: 2}
_INLINE_CHECK_CHARS = 16_384
"""Texts up to this size are checked on the event loop (a few ms at most); a longer one is checked in a worker
thread, so that one 200 KB command cannot hold every other request (and its own deadline) while it is read."""


def _chars(value: Any) -> int:
    """The characters of the strings in ``value`` (a JSON-shaped action input), counted up to the inline limit."""
    total, stack = 0, [value]
    while stack and total <= _INLINE_CHECK_CHARS:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return total


async def _checked(check: Any, size: int, turn: asyncio.Semaphore, /, **kwargs: Any) -> Any:
    """``check(**kwargs)``, in a worker thread when the text is long (``_INLINE_CHECK_CHARS``), one such check at a
    time (``turn``): a thread holds the GIL while it reads, so ten long answers read at once left the event loop a
    tenth of the CPU, and an ordinary review behind them took 17 s. Queued this way, the long ones wait for each
    other and the rest go on beside one of them."""
    if size <= _INLINE_CHECK_CHARS:
        return check(**kwargs)
    async with turn:
        return await asyncio.to_thread(functools.partial(check, **kwargs))


def _conversation(request: dict[str, Any]) -> tuple[str, str, list[dict[str, Any]]]:
    """(prompt, conversation text, messages) of a request dump."""
    messages: list[dict[str, Any]] = request.get("messages") or request.get("transcript") or []
    texts: list[str] = []
    prompt = ""
    for m in messages:
        content = m.get("content")
        if isinstance(content, list):
            content = "\n".join(str(p.get("text") or "") for p in content if isinstance(p, dict))
        text = content or ""
        texts.append(f"{m.get('role')}: {text}")
        if m.get("role") == "user":
            prompt = text
    if request.get("goal"):
        prompt = request["goal"]
    return prompt, "\n".join(texts), messages


def _also(state: ReviewState) -> tuple[Domain, ...]:
    return tuple(Domain(d) for d in state.get("also_domains") or ())


def _asked(messages: list[dict[str, Any]]) -> str | None:
    """Every user turn, one per line, when there are several (else None: the prompt says it all)."""
    turns = [m.get("content") for m in messages if m.get("role") == "user"]
    if len(turns) < 2:
        return None
    return "\n".join(
        "\n".join(str(p.get("text") or "") for p in t if isinstance(p, dict)) if isinstance(t, list) else str(t or "")
        for t in turns
    )


def _action_text(request: dict[str, Any]) -> str:
    action = request.get("action") or {}
    inp = action.get("input") or {}
    if action.get("tool") == "shell":
        return str(inp.get("command", ""))
    return f"{action.get('tool')} {inp}"


def _current_findings(state: ReviewState) -> list[dict[str, Any]]:
    """The policy check's findings on the text now under review: the original's, or after a revision the rewrite's."""
    if state.get("revisions"):
        return state.get("rewrite_findings", [])
    return state.get("findings", [])


def _merge_findings(*groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    merged: list[dict[str, Any]] = []
    for group in groups:
        for f in group:
            if f["rule"] in seen:
                continue
            seen.add(f["rule"])
            merged.append(f)
    return merged


class ReviewNodes:
    """Node functions bound to one set of ports."""

    def __init__(self, ports: ReviewPorts) -> None:
        self.ports = ports
        self._whole_answer: frozenset[str] | None = None
        self._long_checks = asyncio.Semaphore(1)  # long texts are read one at a time, off the event loop

    def _whole_answer_rules(self) -> frozenset[str]:
        """Every domain's rules marked ``fixed_by_removal: false`` (the policies are loaded once: computed once)."""
        if self._whole_answer is None:
            ids: set[str] = set()
            for domain in Domain:
                try:
                    ids.update(r.id for r in self.ports.policies.policy(domain).rules if not r.fixed_by_removal)
                except KeyError:
                    continue
            self._whole_answer = frozenset(ids)
        return self._whole_answer

    # -- triage ---------------------------------------------------------------------------------------
    async def triage(self, state: ReviewState) -> dict[str, Any]:
        request = state["request"]
        also: tuple[Domain, ...] = ()
        if state["kind"] == "action":
            domain, risk, inferred = Domain.tool_use, Risk.high, False
        else:
            prompt, _, messages = _conversation(request)
            hint = Domain(request["domain"]) if request.get("domain") else None
            # Every user turn places the conversation ("my chest hurts" … "so what should I do?").
            asked = _asked(messages) or prompt
            t = await _checked(
                self.ports.policies.triage,
                len(asked) + len(request["output"]),
                self._long_checks,
                prompt=asked,
                output=request["output"],
                hint=hint,
            )
            domain, risk, inferred, also = t.domain, t.risk, t.inferred, t.also
        policy = self.ports.policies.policy(domain)
        sampled = risk is Risk.low and self.ports.sampler(policy.audit_sample_rate, request)
        output = request.get("output") if state["kind"] == "answer" else _action_text(request)
        timing: dict[str, Any] = {}
        if inferred and request.get("timeout_ms") is None and state.get("started_at") is not None:
            # The caller named neither a deadline nor a domain: the inferred domain's time limit applies.
            timing["deadline_at"] = state["started_at"] + policy.timeout_ms / 1000
        return {
            **timing,
            "domain": domain.value,
            "risk": risk.value,
            "inferred": inferred,
            "also_domains": [d.value for d in also],
            "sampled": sampled,
            "output": output or "",
            "revisions": 0,
            "warnings": [],
        }

    # -- policy check ---------------------------------------------------------------------------------
    async def policy_check(self, state: ReviewState) -> dict[str, Any]:
        request = state["request"]
        domain = Domain(state["domain"])
        risk = Risk(state["risk"])
        placed: dict[str, Any] = {}
        if state["kind"] == "action":
            action = request["action"]
            prompt, conversation, messages = _conversation(request)
            transcript = [str(m.get("content") or "") for m in messages]
            size = _chars(action.get("input")) + _chars(request.get("goal")) + _chars(transcript)
            findings, action_risk = await _checked(
                self.ports.policies.check_action,
                size,
                self._long_checks,
                tool=action["tool"],
                input=action.get("input") or {},
                cwd=action.get("cwd"),
                goal=request.get("goal"),
                transcript=transcript,
            )
            if _RISK_RANK[action_risk] > _RISK_RANK[risk]:
                risk = action_risk
            analysis: dict[str, Any] = {}
        else:
            prompt, conversation, messages = _conversation(request)
            findings, result = await _checked(
                self.ports.policies.check_answer,
                len(state["output"]) + len(conversation),
                self._long_checks,
                domain=domain,
                output=state["output"],
                prompt=prompt,
                conversation=conversation,
                asked=_asked(messages),
                also=_also(state),
            )
            analysis = {
                "response_class": result.response_class.value if result.response_class else None,
                "confidence": result.response_class_confidence,
                "features": result.features,
            }
            if result.placed is not None and state.get("inferred"):
                # Triage's keywords placed it, and a higher-risk domain's rules say what it is: the request is
                # that domain's (its reviewer, thresholds, reviewer-error and time-limit settings).
                placed = self._replace(state, domain, result.placed)
                domain = result.placed
                risk = max(risk, self.ports.policies.policy(domain).risk_tier, key=_RISK_RANK.__getitem__)
            # A finding at the rewrite threshold lifts a low-risk request so a reviewer looks at it.
            policy = self.ports.policies.policy(domain)
            if at_least(findings, policy.thresholds.rewrite_severity) and risk is Risk.low:
                risk = Risk.medium
        return {
            **placed,
            "findings": [f.model_dump(mode="json", exclude_none=True) for f in findings],
            "analysis": analysis,
            "risk": risk.value,
        }

    def _replace(self, state: ReviewState, was: Domain, now: Domain) -> dict[str, Any]:
        """The state update moving an inferred request from ``was`` to ``now``: the domain, the old one kept among
        ``also_domains``, and the time limit of ``now`` when the caller named none."""
        also = [d for d in state.get("also_domains") or () if d != now.value]
        update: dict[str, Any] = {"domain": now.value, "also_domains": [was.value, *also]}
        if state["request"].get("timeout_ms") is None and state.get("started_at") is not None:
            update["deadline_at"] = state["started_at"] + self.ports.policies.policy(now).timeout_ms / 1000
        return update

    # -- reviewer -------------------------------------------------------------------------------------
    def _item(self, state: ReviewState) -> ReviewItem:
        request = state["request"]
        domain = Domain(state["domain"])
        prompt, _, messages = _conversation(request)
        analysis = state.get("analysis") or {}
        rc = analysis.get("response_class")
        from service.vocabulary import ResponseClass  # local: keeps the import list of the module short

        return ReviewItem(
            kind=state["kind"],
            domain=domain,
            policy=self.ports.policies.policy(domain),
            output=state["output"],
            prompt=prompt,
            messages=messages,
            findings=[Finding.model_validate(f) for f in _current_findings(state)],
            analysis=Analysis(
                response_class=ResponseClass(rc) if rc else None,
                response_class_confidence=float(analysis.get("confidence") or 0.0),
                features=dict(analysis.get("features") or {}),
            ),
            action=request.get("action"),
            goal=request.get("goal"),
            deadline=time.monotonic() + max(0.0, state["deadline_at"] - time.time()),
            revision=state.get("revisions", 0),
            whole_answer_rules=self._whole_answer_rules(),
            conversation_id=str((request.get("context") or {}).get("session_id") or ""),
        )

    async def _call(self, reviewer: Reviewer, item: ReviewItem) -> tuple[ReviewerResult | None, dict[str, Any]]:
        if reviewer.provider == "local":  # offline rules, not a model call: no GenAI span
            return await self._call_untraced(reviewer, item)
        if getattr(reviewer, "refuses_now", False):
            # Refused at once, by the reviewer's open circuit or its full in-flight limit (nothing awaits between
            # this check and the refusal):
            # no request is sent, so no GenAI client span, which would read as a vendor call with 0 attempts and
            # skew the vendor's latency in Jaeger. The enclosing span says why the reviewer was skipped; the
            # failure goes on to the fallback reviewer or the domain's on_reviewer_error as any other.
            result, info = await self._call_untraced(reviewer, item)
            if result is None:
                trace.get_current_span().add_event(
                    "oversight.reviewer.skipped",
                    {
                        "gen_ai.provider.name": reviewer.provider,
                        "gen_ai.request.model": reviewer.model,
                        "error.type": info["error"],
                    },
                )
            return result, info
        started = time.perf_counter()
        # One span per reviewer call, named and attributed after the OpenTelemetry GenAI conventions. What the
        # reviewer knows of its request (server, token limit, output type) is set at the start, with the rest.
        start: dict[str, Any] = {
            **(getattr(reviewer, "request_attributes", None) or {}),
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": reviewer.provider,
            "gen_ai.request.model": reviewer.model,
        }
        if item.conversation_id:  # the caller's own session id; none is invented
            start["gen_ai.conversation.id"] = item.conversation_id
        with _tracer.start_as_current_span(f"chat {reviewer.model}", kind=SpanKind.CLIENT, attributes=start) as span:
            capture = capture_message_content()  # message content only when the operator opted in
            if capture:
                span.set_attribute("gen_ai.input.messages", input_messages_json(item.messages, item.output))
            try:
                result = await self._ask(reviewer, item)
            except ReviewerError as exc:
                span.set_attribute("error.type", exc.code)
                span.set_status(Status(StatusCode.ERROR, exc.code))
                # A failed call may still have been paid for (an abstention, a repaired answer): say what it cost.
                span.set_attribute("oversight.reviewer.attempts", exc.attempts)
                span.set_attributes(genai_response_attributes(exc.response_id, exc.finish_reasons))
                if exc.usage:
                    span.set_attributes(genai_usage_attributes(reviewer.provider, exc.usage))
                return None, self._failure(reviewer, exc, started)
            span.set_attribute("gen_ai.response.model", result.response_model or result.model)
            span.set_attributes(genai_response_attributes(result.response_id, result.finish_reasons))
            span.set_attributes(genai_usage_attributes(reviewer.provider, result.usage))
            if capture:
                span.set_attribute("gen_ai.output.messages", output_messages_json(result.verdict.model_dump_json()))
            span.set_attribute("oversight.reviewer.attempts", result.attempts)
        return result, self._success(result, started)

    async def _call_untraced(
        self, reviewer: Reviewer, item: ReviewItem
    ) -> tuple[ReviewerResult | None, dict[str, Any]]:
        started = time.perf_counter()
        try:
            result = await self._ask(reviewer, item)
        except ReviewerError as exc:
            return None, self._failure(reviewer, exc, started)
        return result, self._success(result, started)

    @staticmethod
    async def _ask(reviewer: Reviewer, item: ReviewItem) -> ReviewerResult:
        """``reviewer.review``, where any exception is a reviewer error: a defect in an adapter (or an answer
        it did not foresee) takes the domain's ``on_reviewer_error`` path, never a 500 without a decision."""
        try:
            return await reviewer.review(item)
        except ReviewerError:
            raise
        except Exception as exc:
            log.exception("reviewer %s:%s raised %s", reviewer.provider, reviewer.model, type(exc).__name__)
            raise ReviewerError(f"the reviewer failed unexpectedly ({type(exc).__name__}: {str(exc)[:200]})") from exc

    @staticmethod
    def _success(result: ReviewerResult, started: float) -> dict[str, Any]:
        return {
            "provider": result.provider,
            "model": result.model,
            "outcome": ReviewerOutcomeKind.verdict.value,
            "error": None,
            "detail": None,
            "attempts": result.attempts,
            "latency_ms": result.latency_ms or (time.perf_counter() - started) * 1000,
            "usage": result.usage,
            "prompt_version": result.prompt_version,
        }

    @staticmethod
    def _failure(reviewer: Reviewer, exc: ReviewerError, started: float) -> dict[str, Any]:
        kind = ReviewerOutcomeKind.abstain if isinstance(exc, ReviewerAbstained) else ReviewerOutcomeKind.error
        return {
            "provider": reviewer.provider,
            "model": reviewer.model,
            "outcome": kind.value,
            "error": exc.code,
            "detail": str(exc)[:500],
            "attempts": exc.attempts,
            "latency_ms": (time.perf_counter() - started) * 1000,
            "usage": exc.usage,
            "prompt_version": "",
            "declined": bool(getattr(exc, "declined", False)),
        }

    async def review(self, state: ReviewState) -> dict[str, Any]:
        domain = Domain(state["domain"])
        item = self._item(state)
        primary = self.ports.reviewers.primary(domain)
        warnings = list(state.get("warnings", []))
        fast = state["request"].get("model") or {}
        model_reviewer = primary.provider != "local"
        sibling = same_vendor(fast, primary.provider, primary.model) and not same_model(
            fast, primary.provider, primary.model
        )
        if model_reviewer and sibling and "same_vendor_reviewer" not in warnings:
            # Another model of the same vendor: a weaker second opinion (shared training data and habits); noted,
            # never refused.
            warnings.append("same_vendor_reviewer")
        if model_reviewer and same_model(fast, primary.provider, primary.model):
            # Cross-model oversight: a model reviewing itself shares its blind spots.
            if "same_model_reviewer" not in warnings:
                warnings.append("same_model_reviewer")
            if self.ports.cross_model == "refuse":
                info = {
                    "provider": primary.provider,
                    "model": primary.model,
                    "outcome": ReviewerOutcomeKind.error.value,
                    "error": "same_model_reviewer",
                    "detail": "the reviewer is the fast model under review",
                    "attempts": 0,
                    "latency_ms": 0.0,
                    "usage": {},
                    "prompt_version": "",
                }
                return {"reviewer": info, "proposal": None, "warnings": warnings}
        fallback = self.ports.reviewers.fallback(domain)
        # With a fallback, the primary gets a share of the time left: a hung vendor (the commonest outage) would
        # otherwise take all of it, and the fallback would be "called" past the deadline.
        first_item = (
            item if fallback is None else replace(item, deadline=time.monotonic() + item.remaining() * PRIMARY_SHARE)
        )
        result, info = await self._call(primary, first_item)
        declined = info.pop("declined", False)
        if result is None and fallback is not None:
            if declined:  # the primary refused the content: a signal, not an outage; no other reviewer is asked
                if "reviewer_declined" not in warnings:
                    warnings.append("reviewer_declined")
            elif item.remaining() < MIN_FALLBACK_S:  # no time left to ask it: the primary's failure stands
                if "reviewer_fallback_skipped" not in warnings:
                    warnings.append("reviewer_fallback_skipped")
            else:
                first = info
                result, info = await self._call(fallback, item)
                info.pop("declined", None)
                info["fallback_from"] = {
                    k: first[k] for k in ("provider", "model", "outcome", "error", "detail", "attempts", "usage")
                }
                if "reviewer_fallback_used" not in warnings:
                    warnings.append("reviewer_fallback_used")
        proposal = result.verdict.model_dump(mode="json", exclude_none=True) if result else None
        return {"reviewer": info, "proposal": proposal, "warnings": warnings}

    # -- decide ---------------------------------------------------------------------------------------
    async def decide(self, state: ReviewState) -> dict[str, Any]:
        domain = Domain(state["domain"])
        policy = self.ports.policies.policy(domain)
        info = state.get("reviewer")
        proposal = state.get("proposal")
        if info is None:
            prop = Proposal(outcome=ReviewerOutcomeKind.skipped)
        elif proposal is None:
            prop = Proposal(outcome=ReviewerOutcomeKind(info["outcome"]))
        else:
            prop = Proposal(
                outcome=ReviewerOutcomeKind.verdict,
                verdict=Verdict(proposal["verdict"]),
                confidence=float(proposal["confidence"]),
                # a "rewrite" that is the text under review again is no rewrite (it would release what was flagged)
                has_rewrite=bool(str(proposal.get("rewrite") or "").strip())
                and str(proposal.get("rewrite")).strip() != state["output"].strip(),
            )
        findings = [Finding.model_validate(f) for f in _current_findings(state)]
        if proposal:
            findings += [Finding.model_validate(f) for f in proposal.get("findings", [])]
        ruling = decide(state["kind"], findings, prop, policy, revised=bool(state.get("revisions")))
        if ruling.verdict is Verdict.escalate and state.get("original_blocked"):
            # A blocked original that the rewrite rounds could not fix stays blocked: escalating would let the
            # domain's time limit (approve, in some) or a human's approve release it.
            return {"ruling": {"verdict": Verdict.block.value, "reason": "blocking_finding", "flagged": False}}
        return {"ruling": {"verdict": ruling.verdict.value, "reason": ruling.reason, "flagged": ruling.flagged}}

    # -- revise ---------------------------------------------------------------------------------------
    async def revise(self, state: ReviewState) -> dict[str, Any]:
        domain = Domain(state["domain"])
        policy = self.ports.policies.policy(domain)
        proposal = state.get("proposal") or {}
        rewrite = str(proposal.get("rewrite") or "")
        prompt, conversation, messages = _conversation(state["request"])
        asked = _asked(messages)
        # The rewrite is placed like an answer: another domain it strays into brings that domain's rules too.
        placed = self.ports.policies.triage(asked or prompt, rewrite, domain).also
        findings, _ = self.ports.policies.check_answer(
            domain,
            output=rewrite,
            prompt=prompt,
            conversation=conversation,
            classify=False,
            asked=asked,
            also=(*_also(state), *(d for d in placed if d not in _also(state))),
        )
        first_round = not state.get("revisions")
        revisions = state.get("revisions", 0) + 1
        step = after_revision(findings, revisions, policy)
        found = [f.model_dump(mode="json", exclude_none=True) for f in findings]
        update: dict[str, Any] = {"output": rewrite, "revisions": revisions, "rewrite_findings": found}
        if first_round:
            update["original_blocked"] = state["ruling"]["reason"] == "blocking_finding_rewritten"
            update["first_critique"] = str(proposal.get("critique") or "")
        original_blocked = update.get("original_blocked", state.get("original_blocked", False))
        if step == "escalate" and original_blocked:
            update["ruling"] = {"verdict": Verdict.block.value, "reason": "blocking_finding", "flagged": False}
            update["findings"] = _merge_findings(state.get("findings", []), found)
        elif step == "accept":
            update["ruling"] = {"verdict": Verdict.rewrite.value, "reason": state["ruling"]["reason"], "flagged": False}
        elif step == "escalate":
            update["ruling"] = {
                "verdict": Verdict.escalate.value,
                "reason": "revision_budget_exhausted",
                "flagged": False,
            }
            update["findings"] = _merge_findings(state.get("findings", []), found)
        else:
            update["ruling"] = {"verdict": Verdict.rewrite.value, "reason": "revision_pending", "flagged": False}
        return update

    # -- record ---------------------------------------------------------------------------------------
    def _decision(self, state: ReviewState) -> Decision:
        request = state["request"]
        ruling = state["ruling"]
        verdict = Verdict(ruling["verdict"])
        proposal = state.get("proposal") or {}
        info = state.get("reviewer")
        findings = _merge_findings(
            state.get("findings", []), state.get("rewrite_findings", []), proposal.get("findings", [])
        )
        original = request.get("output") if state["kind"] == "answer" else None
        enforce = state.get("mode", "enforce") == "enforce"
        if state["kind"] == "answer":
            shown: str | None = state["output"] if verdict is Verdict.rewrite else original
            # Blocked, or waiting for a human: nothing to show yet (the answer stays in ``original_output``), so a
            # caller that shows ``output`` never releases an answer the reviewer would not approve.
            if verdict is Verdict.block or (verdict is Verdict.escalate and enforce):
                shown = None
        else:
            shown = None
        analysis = state.get("analysis") or {}
        response_class = proposal.get("response_class") or analysis.get("response_class")
        critique = proposal.get("critique") or ""
        if not critique:
            critique = _default_critique(ruling["reason"], findings, info)
        if state.get("revisions") and verdict is not Verdict.rewrite and state.get("first_critique"):
            # The text shown (the original) is what the first critique is about; the last one is about a rewrite
            # that is not released.
            critique = (
                f"{state['first_critique']} The rewrite the reviewer proposed was not accepted "
                f"({ruling['reason']}): {critique}"
            )
        warnings = list(state.get("warnings", []))
        if ruling.get("flagged"):
            warnings.append("reviewer_failed_low_risk_approved")
        review_id = state["review_id"]
        escalation = None
        now = datetime.now(UTC)
        if verdict is Verdict.escalate and enforce:
            hold_ms = request.get("hold_ms") if state["kind"] == "action" else None
            escalation = EscalationInfo(
                id=_escalation_id(review_id),
                status="pending",
                waiting_until=now + timedelta(milliseconds=hold_ms) if hold_ms else None,
            )
        if info is None:
            reviewer = ReviewerInfo(provider="none", model="none")
            outcome = ReviewerOutcome(kind=ReviewerOutcomeKind.skipped, detail="low risk, not sampled")
        else:
            reviewer = ReviewerInfo(provider=info["provider"], model=info["model"])
            outcome = ReviewerOutcome(
                kind=ReviewerOutcomeKind(info["outcome"]),
                error=info.get("error"),
                detail=info.get("detail"),
                attempts=info.get("attempts", 0),
                latency_ms=info.get("latency_ms"),
                usage=info.get("usage") or {},
                fallback_from=_fallback_from(info.get("fallback_from")),
            )
        return Decision(
            review_id=review_id,
            request_id=request.get("id"),
            request_digest=state.get("request_digest"),
            kind=state["kind"],
            verdict=verdict,
            reason=ruling["reason"],
            output=shown,
            original_output=original,
            critique=critique,
            response_class=response_class if state["kind"] == "answer" else None,
            findings=findings,  # type: ignore[arg-type]
            risk=Risk(state["risk"]),
            domain=Domain(state["domain"]),
            reviewer=reviewer,
            reviewer_outcome=outcome,
            disagreement=verdict is not Verdict.approve,
            escalation_id=escalation.id if escalation else None,
            escalation=escalation,
            model=_fast_model(state["kind"], request),  # type: ignore[arg-type]
            context=request.get("context") or {},  # type: ignore[arg-type]
            policy_version=self.ports.policies.policy(Domain(state["domain"])).version,
            prompt_version=(info or {}).get("prompt_version") or "",
            revisions=state.get("revisions", 0),
            warnings=warnings,
            trace_id=state["trace_id"],
            timings_ms=dict(state.get("timings", {})),
            created_at=now,
        )

    async def record(self, state: ReviewState) -> dict[str, Any]:
        return {"decision": (await self._record(state)).model_dump(mode="json")}

    async def record_object(self, state: ReviewState) -> dict[str, Any]:
        """``record`` for the straight-through runner: the ``Decision`` itself, not its JSON form (no state is
        checkpointed there, and the caller would only validate the JSON back into a ``Decision``)."""
        return {"decision": await self._record(state)}

    async def _record(self, state: ReviewState) -> Decision:
        decision = self._decision(state)
        if state.get("mode", "enforce") == "enforce":
            # Audits (label mode) keep their own per-turn results and stay out of live metrics and drift.
            await self.ports.store.save_decision(decision, state["tenant"])
            for observe in self.ports.observers:
                try:
                    observe(decision)
                except Exception:  # an observer must never fail a review
                    log.exception("decision observer failed")
        return decision

    # -- human in the loop ----------------------------------------------------------------------------
    async def human(self, state: ReviewState) -> dict[str, Any]:
        # Re-runs from the top on resume: nothing before interrupt() may have side effects.
        decision = state["decision"]
        resolution = interrupt(
            {
                "review_id": state["review_id"],
                "escalation_id": decision["escalation_id"],
                "tenant": state["tenant"],
                "kind": decision["kind"],
                "domain": decision["domain"],
                "reason": state["ruling"]["reason"],
                "output": decision["original_output"],
                "critique": decision["critique"],
                "findings": decision["findings"],
                "trace_id": decision["trace_id"],
            }
        )
        return {"resolution": resolution}

    async def finalize(self, state: ReviewState) -> dict[str, Any]:
        resolution = state["resolution"]
        decision = Decision.model_validate(state["decision"])
        action = resolution["action"]
        if action == "approve":
            verdict = Verdict.approve
            # What the human saw and approved: the fast model's answer, never a rewrite of the reviewer's that
            # failed its own re-check (the inbox does not show it; an edit is how a human releases other text).
            output = decision.original_output if decision.kind == "answer" else None
        elif action == "block":
            verdict, output = Verdict.block, None
        else:  # edit
            verdict, output = Verdict.rewrite, resolution.get("output")
        final = decision.model_copy(
            update={
                "verdict": verdict,
                "output": output,
                "disagreement": verdict is not Verdict.approve,
                "escalation": EscalationInfo(
                    id=decision.escalation_id or _escalation_id(decision.review_id),
                    status="expired" if resolution.get("expired") else "resolved",
                    action=action,
                    resolved_by=resolution.get("by"),
                    resolved_at=datetime.fromisoformat(resolution["at"]) if resolution.get("at") else datetime.now(UTC),
                    note=resolution.get("note"),
                    waiting_until=decision.escalation.waiting_until if decision.escalation else None,
                ),
            }
        )
        # Saving is an upsert keyed by review_id: running this node twice leaves one final decision.
        await self.ports.store.save_decision(final, state["tenant"])
        for observe in self.ports.observers:
            try:
                observe(final)
            except Exception:
                log.exception("decision observer failed")
        return {"decision": final.model_dump(mode="json")}


def _fast_model(kind: str, request: dict[str, Any]) -> dict[str, Any]:
    """What the decision says proposed the output under review: the request's ``model``; for an agent action,
    the agent (``agent.name`` / ``agent.version``), so drift series, metrics and spans tell agent versions apart."""
    if kind == "action":
        agent = request.get("agent") or {}
        return {k: agent[k] for k in ("name", "version") if agent.get(k)}
    model: dict[str, Any] = request.get("model") or {}
    return model


def _fallback_from(first: dict[str, Any] | None) -> FallbackFrom | None:
    if not first:
        return None
    return FallbackFrom(
        provider=first["provider"],
        model=first["model"],
        kind=ReviewerOutcomeKind(first["outcome"]),
        error=first.get("error"),
        detail=first.get("detail"),
        attempts=first.get("attempts") or 0,
        usage=first.get("usage") or {},
    )


def _escalation_id(review_id: str) -> str:
    return "esc_" + review_id.removeprefix("rev_")


def _default_critique(reason: str, findings: list[dict[str, Any]], info: dict[str, Any] | None) -> str:
    if info and info.get("outcome") in ("error", "abstain"):
        return f"The reviewer did not produce a verdict ({info.get('error')}); the domain's failure mode applied."
    if findings:
        return "; ".join(f"{f['rule']}: {f['message']}" for f in findings[:5])
    if reason == "low_risk_unreviewed":
        return "Low-risk request; no reviewer call."
    return ""
