"""The check page: each answered step as a section of rows with its Change link."""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from registration.onboarding import forms
from registration.onboarding import steps as S
from registration.onboarding.storage import scan_info_dict
from registration.onboarding.views.draft import RETURN_TO_CHECK, WizardView


def describe_file(upload: Any) -> str:
    """``passport.pdf, PDF, 1.2 MB``: what the person uploaded (and whether it was turned), from its metadata."""
    return describe_meta({"name": upload.name, "size": upload.size, "scan": scan_info_dict(upload)})


def describe_meta(meta: dict[str, Any]) -> str:
    """The same, from the metadata the draft keeps in the session."""
    info = meta.get("scan") or {}
    kind = str(info.get("kind") or "").upper()
    parts = [str(meta.get("name") or ""), kind, str(filesizeformat(info.get("size") or meta.get("size") or 0))]
    if info.get("rotation"):
        parts.append(str(_("we turned the photo upright")))
    return ", ".join(part for part in parts if part)


class SummaryMixin(WizardView):
    """The sections of the check page, built from the steps' valid forms."""

    def summary_sections(self) -> list[dict[str, Any]]:
        sections = []
        for name in self.get_form_list():
            step = S.BY_NAME[name]
            if step.summary_title is None:
                continue
            form_obj = self.valid_form(name)
            if form_obj is None:
                continue
            rows = []
            for label, value in form_obj.summary():
                rows.append({"label": label, "value": value})
            for field, field_obj in form_obj.fields.items():
                if isinstance(field_obj, forms.WizardScanField):
                    for row in rows:
                        if row["label"] == str(field_obj.label):
                            row["value"] = describe_file(form_obj.cleaned_data.get(field))
            sections.append(
                {
                    "title": step.summary_title,
                    "rows": rows,
                    "change_url": self.step_url(name, return_to=RETURN_TO_CHECK),
                    "warnings": getattr(form_obj, "soft_warnings", []),
                }
            )
        return sections
