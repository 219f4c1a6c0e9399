"""Long sessions: a turn's task success and conversation are the same as when each turn re-read the session.

(Each turn used to read every later user message again: a 10,000-turn agent session took minutes to read. Timing
lives in bench/audit.py; these tests check the faster reading gives the same answers.)
"""

from __future__ import annotations

import random

import pytest

import service.audit.sessions as sessions_module
from service.audit.sessions import Session, asks_for_human, reasks, session_turns
from service.schemas import ChatMessage
from service.settings import Settings

VOCAB = ["router", "password", "reset", "printer", "driver", "install", "refund", "order", "invoice", "delivery",
         "account", "locked", "email", "change", "billing", "address", "update", "error", "crash", "login"]
FOLLOW_UPS = ["that's not what I asked", "please just answer", "can I talk to a human agent?", "thanks!",
              "try again", "ok", ""]


def _reference(messages: list[ChatMessage], index: int) -> bool:
    """The task-success proxy as it was computed: every later user message read for each turn."""
    prompt = next((m.text() for m in reversed(messages[:index]) if m.role == "user"), "")
    first = True
    for m in messages[index + 1:]:
        if m.role != "user":
            continue
        if asks_for_human(m.text()) or reasks(m.text(), prompt, immediately_next=first):
            return False
        first = False
    return True


def _random_session(rng: random.Random, n: int) -> Session:
    messages: list[ChatMessage] = [ChatMessage(role="system", content="You help customers.")]
    for _ in range(n):
        roll = rng.random()
        if roll < 0.45:
            words = rng.sample(VOCAB, rng.randint(1, 6))
            text = " ".join(words) if rng.random() < 0.8 else rng.choice(FOLLOW_UPS) + " " + " ".join(words[:2])
            messages.append(ChatMessage(role="user", content=text))
        elif roll < 0.55:
            messages.append(ChatMessage(role="tool", content="[tool shell] {} (exit 0)"))
        else:
            messages.append(ChatMessage(role="assistant", content="Here is what to do: " + rng.choice(VOCAB)))
    return Session(session_id="s", messages=messages)


def test_task_success_of_every_turn_is_what_reading_each_later_message_gives() -> None:
    rng = random.Random(11)
    compared = failed = 0
    for _ in range(60):
        session = _random_session(rng, rng.randint(2, 80))
        turns = session_turns(session, 0)
        answers = [i for i, m in enumerate(session.messages) if m.role == "assistant"]
        assert len(turns) == len(answers)
        for turn, index in zip(turns, answers, strict=True):
            assert turn.meta["task_success"] == _reference(session.messages, index), (session.messages, index)
            compared += 1
            failed += not turn.meta["task_success"]
    assert compared > 1000 and 0.2 < failed / compared < 0.9  # both outcomes are exercised


def test_a_long_sessions_turns_see_the_task_and_the_most_recent_messages() -> None:
    messages = [ChatMessage(role="user", content="Refactor the billing module")]
    for k in range(300):
        messages += [ChatMessage(role="tool", content=f"[tool shell] step {k}"),
                     ChatMessage(role="assistant", content=f"Done step {k}.")]
    turns = session_turns(Session(session_id="long", messages=messages), 0, Settings(max_messages=50))
    last = turns[-1]
    texts = [m["content"] for m in last.request["messages"]]
    assert len(texts) == 50 and texts[0] == "Refactor the billing module" and texts[-1] == "[tool shell] step 299"
    assert last.meta["context_dropped"] == len(messages) - 1 - 50
    assert turns[10].meta.get("context_dropped") is None and len(turns[10].request["messages"]) == 22


def test_each_user_message_is_read_once_not_once_per_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    # A count, not a time: the content words of each message are computed a bounded number of times per message.
    calls = 0
    real = sessions_module._content_words

    def counting(text: str) -> set[str]:
        nonlocal calls
        calls += 1
        return real(text)

    monkeypatch.setattr(sessions_module, "_content_words", counting)
    messages: list[ChatMessage] = []
    for k in range(400):
        messages += [ChatMessage(role="user", content=f"Please rename helper{k} to tool{k} in module{k}"),
                     ChatMessage(role="assistant", content=f"Renamed helper{k}.")]
    turns = session_turns(Session(session_id="long", messages=messages), 0)
    assert len(turns) == 400 and all(t.meta["task_success"] for t in turns)
    assert calls <= 2 * len(messages)  # was one per later user message per turn: 400 * 399 / 2 * 2
