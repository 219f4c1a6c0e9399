"""What the Codex app-server proxy reviews for each approval request (``service.integrations.codex_app_server``)."""

from __future__ import annotations

from service.integrations import codex_app_server as app


def started(item: dict) -> dict:
    return {"method": "item/started", "params": {"threadId": "thr_1", "turnId": "turn_1", "item": item}}


def request(method: str, rid: int = 7, **params: object) -> dict:
    return {"id": rid, "method": method, "params": {"threadId": "thr_1", "turnId": "turn_1", "itemId": "item_1", **params}}


def test_file_changes_become_one_action_per_file_from_their_diffs() -> None:
    session = app.Session()
    session.server_line(started({
        "type": "fileChange",
        "id": "item_1",
        "status": "inProgress",
        "changes": [
            {"path": "src/app.py", "kind": {"type": "update", "move_path": None},
             "diff": "--- a/src/app.py\n+++ b/src/app.py\n@@ -1,2 +1,2 @@\n-DEBUG = True\n+DEBUG = False\n keep = 1\n"},
            {"path": "/home/dev/shop/old.txt", "kind": {"type": "delete"}, "diff": ""},
            {"path": "notes.md", "kind": {"type": "add"}, "diff": "hello\nworld\n"},
            {"path": "a.cfg", "kind": {"type": "update", "move_path": "b.cfg"}, "diff": "+x = 1\n"},
        ],
    }))
    reqs = app.review_requests(request(app.FILE_CHANGE_APPROVAL, cwd="/home/dev/shop"), session)
    assert [(r["action"]["tool"], r["action"]["input"]) for r in reqs] == [
        ("edit_file", {"path": "/home/dev/shop/src/app.py", "old": "DEBUG = True", "new": "DEBUG = False"}),
        ("shell", {"command": "rm -f -- /home/dev/shop/old.txt"}),
        ("write_file", {"path": "/home/dev/shop/notes.md", "content": "hello\nworld"}),
        ("edit_file", {"path": "/home/dev/shop/a.cfg", "old": "", "new": "x = 1"}),
        ("write_file", {"path": "/home/dev/shop/b.cfg", "content": "x = 1"}),
    ]
    assert len({r["id"] for r in reqs}) == 5  # one idempotency key per action


def test_a_command_comes_from_the_request_else_from_its_item_and_the_goal_from_the_turn() -> None:
    session = app.Session()
    session.client_line({"method": "turn/start", "id": 3, "params": {
        "threadId": "thr_1", "input": [{"type": "text", "text": "clean the build"}, {"type": "localImage", "path": "x.png"}]}})
    session.server_line(started({"type": "commandExecution", "id": "item_1", "command": "rm -rf build", "cwd": "/w"}))
    (req,) = app.review_requests(request(app.COMMAND_APPROVAL), session)
    assert req["action"] == {"tool": "shell", "input": {"command": "rm -rf build"}, "cwd": "/w"}
    assert req["goal"] == "clean the build" and req["agent"] == {"name": "codex", "session": "thr_1"}
    (argv,) = app.review_requests(request(app.COMMAND_APPROVAL, command=["bash", "-lc", "ls -la"], cwd="/x"), session)
    assert argv["action"] == {"tool": "shell", "input": {"command": "ls -la"}, "cwd": "/x"}
    assert argv["id"] != req["id"]  # another action under the same item id is another review


def test_a_request_whose_item_was_not_seen_has_nothing_to_review() -> None:
    session = app.Session()
    session.server_line(started({"type": "fileChange", "id": "item_1", "changes": []}))
    session.server_line({"method": "item/completed", "params": {"item": {"type": "fileChange", "id": "item_1"}}})
    assert app.review_requests(request(app.FILE_CHANGE_APPROVAL), session) == []
    assert not app.is_approval({"method": app.COMMAND_APPROVAL, "params": {}})  # a notification, not a request


def test_only_block_and_an_accepted_approve_are_answered_by_the_proxy() -> None:
    block, escalate, approve = ({"verdict": v, "review_id": "rev_1"} for v in ("block", "escalate", "approve"))
    assert app.verdict_for([approve, block], "forward").decision == "decline"
    assert app.verdict_for([escalate], "accept").forward is True
    assert app.verdict_for([approve], "forward").forward is True
    assert app.verdict_for([approve], "accept").decision == "accept"
    assert app.answer(7, "decline") == {"id": 7, "result": {"decision": "decline"}}
