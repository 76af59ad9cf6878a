"""The identity-document step and the zone read from its scan (:mod:`registration.onboarding.zone`).

* A scan the scan field accepted (after its checks) and that has no reading yet is queued for
  reading: by the step's "read the details from the scan" button, which shows the step again, or by
  Continue (the result is then asked about when the step is next shown, at the latest by the check
  page, which sends the person back to the step while a difference is unanswered).
* While the reading runs, the step says so; a small script polls :func:`zone_status` and reloads the
  page once it is ready (without JavaScript, a link shows the step again).
* Once read, the step's empty fields (number, expiry date) are filled from the zone and listed: "check
  them". Each field whose typed value differs from the zone (on this step or on the personal-details
  step) gets a required choice "keep mine / use the zone's": a warning the person answers, never a
  silent overwrite. "Use the zone's" for a personal detail changes that step's answer (and, for a
  name, asks for the name in Russian letters again).
* No zone found, or none readable: a gentle note; the step goes on as always.
"""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from formtools.wizard.views import WizardView

from registration.onboarding import steps as S
from registration.onboarding import zone
from registration.onboarding.models import ZoneReading, ZoneStatus
from registration.onboarding.storage import WizardStorage

SCAN_KEY = f"{S.IDENTITY_DOCUMENT}-scan"
#: The step's "read the details from the scan" button (a submit button of the step's form).
ZONE_READ = "zone_read"
#: ``extra_data`` key: the stored scans whose zone reading was started (the last few).
ZONE_SCANS = "zone_scans"
MAX_ZONE_SCANS = 5
CHOICE_PREFIX = "zone_"
MINE = "mine"
ZONES = "zone"
NAME_FIELDS = {"surname", "given_names"}


def choice_field(row: zone.Row) -> django_forms.ChoiceField:
    return django_forms.ChoiceField(
        label=_("%(field)s: the zone says %(zone)s, you typed %(typed)s.")
        % {"field": row.label, "zone": row.zone_shown, "typed": row.typed_shown},
        choices=[
            (MINE, _("Keep mine: %(value)s") % {"value": row.typed_shown}),
            (ZONES, _("Use the zone's: %(value)s") % {"value": row.zone_shown}),
        ],
        widget=django_forms.RadioSelect,
        error_messages={"required": _("Choose which value to keep.")},
    )


class ZoneMixin(WizardView):
    """Mixed into the registration wizard (see the module's docstring)."""

    storage: WizardStorage
    draft_id: str

    # --- the reading of the step's stored scan --------------------------------------------------

    def zone_scan_name(self) -> str:
        meta = self.storage.file_meta(S.IDENTITY_DOCUMENT).get(SCAN_KEY) or {}
        return str(meta.get("tmp_name") or "")

    def zone_scans(self) -> list[str]:
        """The draft's scans whose reading was started (kept in the draft: no query for a scan without one)."""
        return list(self.storage.extra_data.get(ZONE_SCANS, []))

    def zone_reading(self) -> ZoneReading | None:
        cache = self.__dict__.setdefault("_zone_reading", {})
        scan = self.zone_scan_name()
        if not scan or scan not in self.zone_scans():
            return None
        if scan not in cache:
            cache[scan] = zone.reading_for(self.draft_id, scan)
        return cache[scan]

    def start_zone_reading(self) -> bool:
        """Queue the reading of the step's stored scan if it has none; ``True`` when queued now."""
        scan = self.zone_scan_name()
        started = self.zone_scans()
        if not scan or scan in started:
            return False
        self.__dict__.pop("_zone_reading", None)
        zone.start(self.draft_id, scan)
        extra = self.storage.extra_data
        extra[ZONE_SCANS] = [*started[-(MAX_ZONE_SCANS - 1) :], scan]
        self.storage.extra_data = extra
        return True

    def zone_typed(self, data: Any) -> dict[str, str]:
        """The typed values compared with the zone: this step's input and the personal-details step's answers."""
        personal = self.storage.get_step_data(S.PERSONAL) or {}
        typed = {}
        for name in ("surname", "given_names", "patronymic", "birth_date", "sex", "citizenship"):
            typed[name] = str(personal.get(f"{S.PERSONAL}-{name}") or "")
        for name in zone.PREFILLED:
            typed[name] = str((data or {}).get(f"{S.IDENTITY_DOCUMENT}-{name}") or "")
        return typed

    def zone_rows(self, data: Any) -> list[zone.Row]:
        read = zone.zone_of(self.zone_reading())
        return zone.compare(read, self.zone_typed(data)) if read else []

    # --- the form ---------------------------------------------------------------------------------

    def get_form(self, step: str | None = None, data: Any = None, files: Any = None) -> Any:
        step = step or self.steps.current
        if step != S.IDENTITY_DOCUMENT or data is None:
            return super().get_form(step=step, data=data, files=files)
        read = zone.zone_of(self.zone_reading())
        if read is not None:
            values = zone.form_values(read)
            data = data.copy()
            if self.request.method == "GET":
                # Empty fields are filled from the zone (the person is asked to check them).
                prefilled = self.__dict__.setdefault("_zone_prefilled", set())
                for name in zone.PREFILLED:
                    key = f"{step}-{name}"
                    if not data.get(key) and values.get(name):
                        data[key] = values[name]
                        prefilled.add(name)
            else:
                # "Use the zone's" for a field of this step: the zone's value is the answer.
                for name in zone.PREFILLED:
                    if data.get(f"{step}-{CHOICE_PREFIX}{name}") == ZONES and values.get(name):
                        data[f"{step}-{name}"] = values[name]
        form = super().get_form(step=step, data=data, files=files)
        if read is not None:
            added = {
                f"{CHOICE_PREFIX}{row.field.name}": choice_field(row)
                for row in self.zone_rows(data)
                if row.state == zone.DIFFERENT
            }
            form.fields = {**added, **form.fields}
        return form

    def typed_form(self, step: str) -> Any:
        form = super().typed_form(step)  # type: ignore[misc]
        if form is not None and step == S.IDENTITY_DOCUMENT:
            for name in self.__dict__.get("_zone_prefilled", ()):
                form._errors.pop(name, None)  # an empty field now filled from the zone
        return form

    def read_zone_now(self, step: str, here: str) -> HttpResponse:
        """The "read the details from the scan" button: keep the input and the scan, queue the reading."""
        form = self.get_form(data=self.posted_data(step), files=self.files_with_kept(step))  # type: ignore[attr-defined]
        self.keep_typed(step, form, errors=False)  # type: ignore[attr-defined]
        if self.zone_scan_name():
            self.start_zone_reading()
        else:
            self.keep_typed(step, form, errors=True)  # type: ignore[attr-defined]  # no scan yet: say so
        self.keep_on_server()  # type: ignore[attr-defined]
        return redirect(here)

    def apply_zone_choices(self, form: Any) -> None:
        """After the step is stored: "use the zone's" for a personal detail changes that answer."""
        read = zone.zone_of(self.zone_reading())
        if read is None:
            return
        values = zone.form_values(read)
        personal = self.storage.get_step_data(S.PERSONAL)
        if personal is None:
            return
        stored = {key: personal.getlist(key) for key in personal}
        changed = set()
        for name, field in zone.BY_NAME.items():
            if field.step != S.PERSONAL or form.cleaned_data.get(f"{CHOICE_PREFIX}{name}") != ZONES:
                continue
            if values.get(name):
                stored[f"{S.PERSONAL}-{name}"] = [values[name]]
                changed.add(name)
        if not changed:
            return
        self.storage.set_step_data(S.PERSONAL, stored)
        if changed & NAME_FIELDS:
            self.storage.drop_step(S.NAMES_CYRILLIC)
            self.forget_typed(S.NAMES_CYRILLIC)  # type: ignore[attr-defined]
            self.unmark(S.NAMES_CYRILLIC)  # type: ignore[attr-defined]

    def attach_zone_reading(self, applicant: Any) -> None:
        """At submission: the application keeps the reading of its scan, compared with what it says."""
        from registration.accounts.models import DocumentRole

        reading = self.zone_reading()
        if reading is None:
            return
        document = applicant.documents.filter(role=DocumentRole.IDENTITY).first()
        zone.attach(reading, applicant, zone.applicant_typed(applicant, document))

    # --- the page ---------------------------------------------------------------------------------

    def zone_context(self, form: Any) -> dict[str, Any]:
        reading = self.zone_reading()
        if reading is None:
            # The keys are always there: a missing variable makes the template engine log the whole context.
            return {"zone_prefilled": [], "zone_status": "", "zone_read_rows": [], "zone_differences": []}
        rows = self.zone_rows(form.data if form.is_bound else None)
        return {
            "zone_prefilled": sorted(self.__dict__.get("_zone_prefilled", ())),
            "zone_status": reading.status,
            "zone_read_rows": [row for row in rows if row.zone],
            "zone_differences": [row for row in rows if row.state == zone.DIFFERENT],
        }


@never_cache
@require_GET
def zone_status(request: HttpRequest) -> JsonResponse:
    """Whether the zone of this browser's draft's latest identity scan is still being read (for the script)."""
    from registration.onboarding.views.draft import WIZARD_PREFIX

    draft = ""
    data = request.session.get(f"wizard_{WIZARD_PREFIX}")
    if isinstance(data, dict):
        draft = str((data.get("extra_data") or {}).get("draft") or "")
    reading = (
        ZoneReading.objects.filter(draft=draft, applicant__isnull=True).order_by("-pk").only("status").first()
        if draft
        else None
    )
    return JsonResponse({"ready": reading is None or reading.status != ZoneStatus.PENDING})
