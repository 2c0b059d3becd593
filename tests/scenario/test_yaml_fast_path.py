"""libyaml's parser (when installed) reads scenario files exactly like the pure one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from wasim.world import source as yamlsrc

LIBRARY = Path(__file__).resolve().parent.parent.parent / "scenarios"
ACCENTED = """name: "Olá, José — ünïcödé"
steps:
  - customer: {from: ana, text: "Não chegou 📦"}
  - send: {to: ana, text: "Já vai!"}   # a comment with é
    expect: {status: delivered}
"""


def _marks(value: Any) -> Any:
    if isinstance(value, yamlsrc.MarkedDict):
        return (value.mark, value.key_marks, {k: _marks(v) for k, v in value.items()})
    if isinstance(value, yamlsrc.MarkedList):
        return (value.mark, value.item_marks, [_marks(v) for v in value])
    return value


def _pure(text: str) -> Any:
    return yaml.load(text, Loader=yamlsrc._Loader)


@pytest.mark.skipif(yamlsrc._FastLoader is None, reason="libyaml is not installed")
@pytest.mark.parametrize("text", [ACCENTED, *(p.read_text("utf-8") for p in
                                              sorted(LIBRARY.glob("*.wasim.yaml")))])
def test_fast_and_pure_parsers_give_the_same_values_and_marks(text: str) -> None:
    assert _marks(yamlsrc.loads(text)) == _marks(_pure(text))


def test_an_error_reads_as_the_pure_parser_words_it() -> None:
    with pytest.raises(yamlsrc.SourceError) as caught:
        yamlsrc.loads("a: {b: 1\n", "f.yaml")
    assert str(caught.value) == ("f.yaml:2:1: invalid YAML: expected ',' or '}', "
                                 "but got '<stream end>'")
