"""Suggestions from the address directory as ``<datalist>``s: they work in the browser without JavaScript."""

from __future__ import annotations

from django import template

from registration.registries import addresses

register = template.Library()


@register.inclusion_tag("registries/_address_datalists.html")
def address_datalists() -> dict:
    return {"cities": addresses.city_names(), "streets": addresses.street_names()}
