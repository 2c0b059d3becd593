"""pytest collects scenario files: one item per scenario, the failing step as the message."""

from __future__ import annotations

import pytest

GOOD = """name: {name}
steps:
  - customer: {{from: ana, text: hi}}
  - send: {{to: ana, text: hello}}
    expect: {{status: {status}}}
"""


def test_each_scenario_is_one_item(pytester: pytest.Pytester) -> None:
    pytester.makefile(".wasim.yaml", chat=GOOD.format(name="replies", status="delivered"))
    result = pytester.runpytest("-p", "no:cacheprovider", "-v")
    result.stdout.fnmatch_lines(["*chat.wasim.yaml::replies PASSED*"])
    result.assert_outcomes(passed=1)


def test_a_failing_step_is_the_failure_message(pytester: pytest.Pytester) -> None:
    pytester.makefile(".wasim.yaml", chat=GOOD.format(name="replies", status="read"))
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*chat.wasim.yaml:5: step 2 (send to ana: text) failed",
                                 "  expected: status read",
                                 "  happened: statuses sent, delivered"])


def test_a_malformed_file_is_a_collection_error_with_its_location(
        pytester: pytest.Pytester) -> None:
    pytester.makefile(".wasim.yaml", broken="name: b\nsteps:\n  - sned: {}\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*broken.wasim.yaml:3:5: unknown step 'sned'*"])


def test_the_pattern_is_configurable(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nwasim_scenario_patterns = *.chat.yml\n")
    pytester.makefile(".chat.yml", one=GOOD.format(name="a", status="delivered"))
    pytester.makefile(".wasim.yaml", two=GOOD.format(name="b", status="delivered"))
    result = pytester.runpytest("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*one.chat.yml::a PASSED*"])


def test_scenarios_needing_an_app_are_skipped_without_one(pytester: pytest.Pytester) -> None:
    pytester.makefile(".wasim.yaml", app="name: a\nsteps:\n  - expect_sent: {to: ana}\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*needs an app under test (--wasim-app URL)*"])


def test_wasim_app_option_runs_scenarios_against_the_app(
        pytester: pytest.Pytester, order_bot: tuple[str, int]) -> None:
    app_url, port = order_bot
    pytester.makefile(".wasim.yaml", app="""name: the bot answers
steps:
  - customer: {from: ana, text: hi}
  - expect_sent: {to: ana, text: /on its way/, within: 5s}
""")
    result = pytester.runpytest("-p", "no:cacheprovider", "--wasim-app", app_url,
                                "--wasim-port", str(port))
    result.assert_outcomes(passed=1)
