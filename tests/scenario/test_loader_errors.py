"""Malformed scenario files are refused with ``file:line:column: what is wrong (hint)``."""

from __future__ import annotations

from pathlib import Path

import pytest
from wasim.scenario import load_path, load_text
from wasim.world.source import SourceError

CORPUS = Path(__file__).resolve().parent.parent / "data" / "malformed_scenarios"


def _cases() -> list[Path]:
    return sorted(CORPUS.glob("*.yaml"))


def test_the_corpus_covers_the_kinds_of_mistake() -> None:
    names = {p.stem for p in _cases()}
    assert {"bad_yaml", "unknown_step", "wrong_type", "missing_field", "unknown_template",
            "unknown_contact"} <= names


@pytest.mark.parametrize("path", _cases(), ids=lambda p: p.stem)
def test_malformed_file_is_reported_at_its_line_with_the_exact_message(path: Path) -> None:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
    expected = first.removeprefix("# error: ")
    with pytest.raises(SourceError) as caught:
        load_path(path)
    assert str(caught.value) == f"{path}:{expected}"


def test_unreadable_file_is_a_source_error_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        load_path(tmp_path / "absent.wasim.yaml")
    assert str(caught.value).startswith(f"{tmp_path / 'absent.wasim.yaml'}:1:1: cannot read file")


def test_a_template_created_earlier_in_the_scenario_may_be_sent() -> None:
    scenarios = load_text("""
name: new template
steps:
  - create_template: {name: order_ready, language: en_US, category: UTILITY,
                      components: [{type: BODY, text: "Order ready"}]}
  - send: {to: ana, template: order_ready}
""", "s.yaml")
    assert [s.action for s in scenarios[0].steps] == ["create_template", "send"]


def test_a_file_may_hold_several_scenarios_sharing_a_world() -> None:
    scenarios = load_text("""
start: 2026-02-01T10:00:00Z
settings: {window_violation_mode: sync}
scenarios:
  - name: first
    steps: [{advance: 1h}]
  - name: second
    steps: [{advance: 2h}]
""", "s.yaml")
    assert [s.name for s in scenarios] == ["first", "second"]
    assert scenarios[1].start == "2026-02-01T10:00:00Z"
    assert scenarios[1].world.settings.window_violation_mode == "sync"


def test_duplicate_scenario_names_are_refused() -> None:
    with pytest.raises(SourceError) as caught:
        load_text("scenarios:\n  - {name: a, steps: [{advance: 1h}]}\n"
                  "  - {name: a, steps: [{advance: 1h}]}\n", "s.yaml")
    assert str(caught.value) == ("s.yaml:3:6: duplicate scenario name 'a' "
                                 "(scenario names must be unique in a file)")


def test_inline_world_adds_contacts_and_templates_to_the_default_account() -> None:
    scenario = load_text("""
name: inline
world:
  contacts: [{alias: eve, wa_id: "15550009999", name: Eve}]
  templates:
    - {name: promo, language: en_US, category: MARKETING,
       components: [{type: BODY, text: "Sale!"}]}
steps:
  - send: {to: eve, template: promo}
""", "s.yaml")[0]
    account = scenario.world.first_account()
    assert "15550009999" in account.contacts
    assert "16505551234" in account.contacts
    assert account.find_template("promo", "en_US") is not None


def test_inline_world_error_points_into_the_scenario_file() -> None:
    with pytest.raises(SourceError) as caught:
        load_text("name: x\nworld:\n  contacts: [{alias: eve, wa_id: abc, name: Eve}]\n"
                  "steps: [{advance: 1h}]\n", "s.yaml")
    assert str(caught.value) == "s.yaml:3:27: 'wa_id' must be 5 to 15 digits, got 'abc'"
