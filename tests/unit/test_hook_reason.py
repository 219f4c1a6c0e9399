"""The one line a hook shows in the agent's permission prompt: what the user reads is what was sent."""

from __future__ import annotations

from service.integrations import reason


def test_a_lone_carriage_return_is_shown_as_a_code_and_a_windows_line_ending_stays() -> None:
    # In a terminal a lone CR sends the cursor back: "Blocked by ana: rm -rf /\rApproved, safe" would read as
    # "Approved, safe" over the start of the note. A CR before a line feed only ends a line.
    decision = {
        "verdict": "block",
        "review_id": "rev_1",
        "escalation": {
            "status": "resolved",
            "resolved_by": "ana",
            "note": "wipes the disk\r\nsee the runbook\rApproved, safe",
        },
    }
    shown = reason(decision)
    assert "wipes the disk\r\nsee the runbook⟦U+000D⟧Approved, safe" in shown, shown
    assert shown.count("\r") == 1
