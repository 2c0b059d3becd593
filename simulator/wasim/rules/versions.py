"""Behaviour that follows the Graph version in the request path (§3, §2.1, §5.2).

Clients pin a version (§11: v18.0 … v25.0 are all in use), and the platform answers a
pinned version as that version answered:

- send-time template parameter problems are 132018 from v23.0; before it they were
  ``(#100) Invalid parameter`` with the same details (§3, §4.3);
- until 2023-05-01 a request on v15.0 or older could still create templates with the
  2022 categories TRANSACTIONAL and OTP, whatever today's names are (§2.1).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from wasim.errors import INVALID_PARAMETER, TEMPLATE_VALIDATION, GraphError
from wasim.rules import templates
from wasim.rules.billing import version_of
from wasim.world.models import Template

VALIDATION_CODE_SINCE = (23, 0)
"""The first version whose send-time parameter problems answer 132018."""

VERSIONED_CODES: dict[int, tuple[tuple[int, int], int]] = {
    TEMPLATE_VALIDATION.code: (VALIDATION_CODE_SINCE, INVALID_PARAMETER.code)}
"""Codes that depend on the path's version: code → (first version, code answered before)."""

OLD_CATEGORIES_UNTIL = date(2023, 5, 1)
"""The last day (exclusive) v15.0 and older accepted the 2022 categories (§2.1)."""

OLD_CATEGORY_VERSIONS = (15, 0)
"""The newest version that kept the 2022 categories until then."""

OLD_CATEGORIES = ("TRANSACTIONAL", "OTP")


def versioned_error(error: GraphError, api_version: str) -> GraphError:
    """``error`` as the path's version reports it: a 132018 before v23.0 is
    ``(#100) Invalid parameter`` carrying the same details (§3)."""
    if error.code != TEMPLATE_VALIDATION.code or version_of(api_version) >= (
            VALIDATION_CODE_SINCE):
        return error
    return INVALID_PARAMETER(error.details)


def check_parameters(template: Template, components: list[dict[str, Any]],
                     api_version: str) -> None:
    """The send-time template parameter check (§3) with the codes of ``api_version``."""
    try:
        templates.check_parameters(template, components)
    except GraphError as error:
        raise versioned_error(error, api_version) from None


def extra_categories(api_version: str, rules_date: date) -> tuple[str, ...]:
    """Categories a create on ``api_version`` accepts besides the era's own (§2.1)."""
    if version_of(api_version) <= OLD_CATEGORY_VERSIONS and rules_date < OLD_CATEGORIES_UNTIL:
        return OLD_CATEGORIES
    return ()
