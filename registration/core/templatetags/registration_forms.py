"""Form rendering for the service's pages: GOV.UK-style fields with hints and errors tied to inputs."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string

from validators import snils as vsnils

register = template.Library()


def field_anchor(field: BoundField) -> str:
    """The id an error-summary link jumps to: the input, or the first option of a radio group."""
    if isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


def described_by(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.simple_tag(takes_context=True)
def render_field(context: Any, field: BoundField, **options: Any) -> str:
    """Render one field with its label (or legend), hint, error and input."""
    widget = field.field.widget
    attrs: dict[str, Any] = {}
    if described_by(field):
        attrs["aria-describedby"] = described_by(field)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if isinstance(widget, forms.RadioSelect):
        kind = "radios"
    elif isinstance(widget, forms.CheckboxInput):
        kind = "checkbox"
    elif isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        kind = "file"
    else:
        kind = "input"
    return render_to_string(
        "onboarding/_field.html",
        {
            "field": field,
            "kind": kind,
            "widget_html": field.as_widget(attrs=attrs) if kind != "radios" else "",
            "anchor": field_anchor(field),
            "stored_file": (context.get("stored_files") or {}).get(field.name, ""),
            **options,
        },
    )


@register.filter
def anchor(field: BoundField) -> str:
    return field_anchor(field)


@register.simple_tag
def error_list(form: forms.Form) -> list[dict[str, str]]:
    """Every error of the form, in field order, with the anchor to link to."""
    items = [{"anchor": "", "message": str(message)} for message in form.non_field_errors()]
    for field in form.visible_fields():
        for message in field.errors:
            items.append({"anchor": field_anchor(field), "message": str(message)})
    return items


@register.filter
def snils(value: str | None) -> str:
    """A stored SNILS (11 digits) as people write it: ``112-233-445 95``; anything else unchanged."""
    if value and vsnils.is_valid(value):
        return vsnils.format(value)
    return value or ""
