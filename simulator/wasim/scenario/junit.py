"""JUnit XML of a run: a test suite per file, a test case per scenario."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from wasim.scenario.model import ScenarioResult


def write(results: list[ScenarioResult], problems: list[str], path: str | Path) -> None:
    """Write ``results`` (and unusable files as errors) to ``path``."""
    by_file: dict[str, list[ScenarioResult]] = defaultdict(list)
    for result in results:
        by_file[result.scenario.path].append(result)
    root = ET.Element("testsuites", name="wasim")
    for file, items in by_file.items():
        suite = ET.SubElement(root, "testsuite", name=file, tests=str(len(items)))
        failures = skipped = 0
        for result in items:
            case = ET.SubElement(suite, "testcase", classname=file,
                                 name=result.scenario.name, time=f"{result.seconds:.4f}",
                                 file=file, line=str(result.scenario.line))
            if result.steps and all(r.outcome == "skipped" for r in result.steps):
                skipped += 1
                ET.SubElement(case, "skipped", message=result.steps[0].happened)
            elif not result.ok:
                failures += 1
                failed = result.failure
                assert failed is not None
                message = f"step {failed.step.index} ({failed.step.title()}): " + (
                    f"expected {failed.expected}; " if failed.expected else "") + \
                    f"happened {failed.happened}"
                node = ET.SubElement(case, "failure", message=message, type=failed.outcome)
                node.text = result.failure_text()
        suite.set("failures", str(failures))
        suite.set("skipped", str(skipped))
        suite.set("errors", "0")
    if problems:
        suite = ET.SubElement(root, "testsuite", name="unusable files",
                              tests=str(len(problems)), errors=str(len(problems)),
                              failures="0", skipped="0")
        for problem in problems:
            name = problem.split(":", 1)[0]
            case = ET.SubElement(suite, "testcase", classname="wasim.check", name=name)
            ET.SubElement(case, "error", message=problem, type="SourceError")
    tree = ET.ElementTree(root)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
