"""The request log's line: what it shows, colours, and refuses to print raw."""

from __future__ import annotations

import re

from wasim.serve.requestlog import GREEN, RED, RESET, YELLOW, format_line, graph_code


def test_a_refused_call_shows_its_graph_code() -> None:
    line = format_line("POST", "/v23.0/1/messages", 400, 131047, 1.25, colour=False)
    assert re.fullmatch(r"\d\d:\d\d:\d\d POST /v23.0/1/messages 400 #131047 1.2 ms", line)


def test_statuses_are_coloured_by_class_on_a_terminal() -> None:
    assert f"{GREEN}200{RESET}" in format_line("GET", "/", 200, None, 0.1, colour=True)
    assert f"{YELLOW}404{RESET}" in format_line("GET", "/", 404, 803, 0.1, colour=True)
    assert f"{RED}500{RESET}" in format_line("GET", "/", 500, 1, 0.1, colour=True)


def test_control_characters_and_long_paths_do_not_reach_the_log_raw() -> None:
    line = format_line("GET", "/a\nb\x1b[31m" + "x" * 500, 404, None, 0.1, colour=False)
    assert "\n" not in line and "\x1b" not in line
    assert "\\n" in line and len(line) < 300


def test_only_a_graph_error_envelope_has_a_code() -> None:
    assert graph_code(b'{"error":{"code":190,"message":"x"}}') == 190
    assert graph_code(b"not json") is None
    assert graph_code(b'{"error":"text"}') is None
    assert graph_code(b"[1, 2]") is None
