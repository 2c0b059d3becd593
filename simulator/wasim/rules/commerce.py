"""The action of the commerce and request interactive messages (§3, as Meta's reference
describes them; the audit's M4): single product, multi-product list, catalog, location
request and call-permission request. Each raises the Graph error a malformed action gets
(131008 missing, 131009 invalid).
"""

from __future__ import annotations

from typing import Any

from wasim.rules import fields as field

ACTION = "interactive.action"
MAX_PRODUCTS = 30
"""A multi-product message holds at most 30 products in all its sections."""


def check_product(action: dict[str, Any]) -> None:
    """A single product: ``catalog_id`` and ``product_retailer_id``."""
    field.text(action, "catalog_id", f"{ACTION}.catalog_id")
    field.text(action, "product_retailer_id", f"{ACTION}.product_retailer_id")


def check_product_list(action: dict[str, Any]) -> None:
    """A multi-product message: ``catalog_id`` and 1 to 10 sections of products, at most
    30 in all; every section titled when there are several."""
    field.text(action, "catalog_id", f"{ACTION}.catalog_id")
    sections = field.each_obj(field.items(action, "sections", f"{ACTION}.sections", 1, 10),
                              f"{ACTION}.sections")
    total = 0
    for i, section in enumerate(sections):
        path = f"{ACTION}.sections[{i}]"
        field.text(section, "title", f"{path}.title", max_len=24, required=len(sections) > 1)
        items = field.each_obj(field.items(section, "product_items", f"{path}.product_items",
                                           1, MAX_PRODUCTS), f"{path}.product_items")
        for j, item in enumerate(items):
            field.text(item, "product_retailer_id",
                       f"{path}.product_items[{j}].product_retailer_id")
        total += len(items)
    if total > MAX_PRODUCTS:
        raise field.invalid(f"{ACTION}.sections",
                            f"must hold at most {MAX_PRODUCTS} products in all (got {total})")


def check_catalog(action: dict[str, Any]) -> None:
    """A catalog message: ``name`` ``catalog_message``; an optional thumbnail product."""
    _named(action, "catalog_message")
    params = field.obj(action, "parameters", f"{ACTION}.parameters", required=False)
    if params is not None:
        field.text(params, "thumbnail_product_retailer_id",
                   f"{ACTION}.parameters.thumbnail_product_retailer_id", required=False)


def check_location_request(action: dict[str, Any]) -> None:
    """A location request: ``action: {name: "send_location"}``."""
    _named(action, "send_location")


def check_call_permission(action: dict[str, Any]) -> None:
    """A call-permission request: ``action: {name: "call_permission_request"}``."""
    _named(action, "call_permission_request")


def _named(action: dict[str, Any], name: str) -> None:
    given = field.text(action, "name", f"{ACTION}.name")
    if given != name:
        raise field.invalid(f"{ACTION}.name", f"must be {name!r}")


CHECKS = {
    "product": check_product,
    "product_list": check_product_list,
    "catalog_message": check_catalog,
    "location_request_message": check_location_request,
    "call_permission_request": check_call_permission,
}
"""The action check of each interactive type this module covers."""
