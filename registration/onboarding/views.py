"""The registration wizard: one URL per step under ``/register/<step>/``, drafts in the session.

Built on formtools' ``NamedUrlSessionWizardView`` with these changes:

* the step comes from the URL (a stale or missing management form cannot send the person
  elsewhere, and never causes an error page);
* a step cannot be opened before the steps it needs are answered;
* scans are kept between visits (see :mod:`registration.onboarding.storage`);
* only the form's own fields are stored, never the password (a signed hash instead) or a code;
* codes are sent and checked here, in the view, never in a form's ``clean()``;
* ``done()`` runs on the POST of the check page (not on a GET), calls
  :func:`registration.onboarding.submit.submit_application`, logs the person in and shows the confirmation.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from typing import Any

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST
from formtools.wizard.views import NamedUrlSessionWizardView

from registration.accounts.models import DocumentRole
from registration.codes import contact as codes
from registration.codes.models import CodePurpose
from registration.core.ratelimit import too_many_requests
from registration.onboarding import forms
from registration.onboarding import steps as S
from registration.onboarding import submit as services
from registration.onboarding.storage import StoredFile, WizardStorage, scan_info_dict

LOGIN_BACKEND = "registration.accounts.backends.EmailOrPhoneBackend"
WIZARD_PREFIX = "registration_wizard"  # formtools' prefix for RegistrationWizard (its name, snake_case)
RETURN_TO_CHECK = "check"

SEND_MESSAGES: dict[str, Any] = {
    codes.SENT: _("We have sent a new code."),
    codes.ALREADY_CONFIRMED: _("This contact is already confirmed."),
    codes.COOLDOWN: _("You can ask for a new code in %(seconds)s seconds."),
    codes.RATE_LIMITED: _("Too many codes have been sent. Wait an hour and try again, or contact support."),
    codes.SEND_FAILED: _("We could not send the code. Try again in a minute."),
}


def describe_file(upload: Any) -> str:
    """``passport.pdf, PDF, 1.2 MB``: what the person uploaded, from its checked metadata."""
    return describe_meta({"name": upload.name, "size": upload.size, "scan": scan_info_dict(upload)})


def describe_meta(meta: dict[str, Any]) -> str:
    """The same, from the metadata the draft keeps in the session."""
    info = meta.get("scan") or {}
    kind = str(info.get("kind") or "").upper()
    parts = [str(meta.get("name") or ""), kind, str(filesizeformat(info.get("size") or meta.get("size") or 0))]
    return ", ".join(part for part in parts if part)


@method_decorator(never_cache, name="dispatch")
@method_decorator(sensitive_post_parameters("password-password1", "password-password2"), name="dispatch")
class RegistrationWizard(NamedUrlSessionWizardView):
    form_list = S.FORM_LIST
    condition_dict = S.CONDITIONS
    storage_name = "registration.onboarding.storage.WizardStorage"
    storage: WizardStorage

    def get_prefix(self, request: HttpRequest, *args: Any, **kwargs: Any) -> str:
        return WIZARD_PREFIX

    @property
    def file_storage(self) -> Storage:
        # Looked up per request, so that a changed STORAGES setting (tests) is honoured.
        return storages["wizard"]

    # --- draft bookkeeping -------------------------------------------------------------------

    @property
    def draft_id(self) -> str:
        extra = self.storage.extra_data
        if not extra.get("draft"):
            extra["draft"] = secrets.token_hex(16)
            self.storage.extra_data = extra
        return extra["draft"]

    def completed(self) -> list[str]:
        return list(self.storage.extra_data.get("completed", []))

    def mark_completed(self, step: str) -> None:
        extra = self.storage.extra_data
        done = [name for name in extra.get("completed", []) if name != step]
        extra["completed"] = [*done, step]
        self.storage.extra_data = extra

    def unmark(self, *names: str) -> None:
        extra = self.storage.extra_data
        extra["completed"] = [n for n in extra.get("completed", []) if n not in names]
        self.storage.extra_data = extra

    def first_incomplete_before(self, step: str | None) -> str | None:
        """The first unanswered step before ``step`` (before the end of the wizard when ``step`` is None)."""
        done = set(self.completed())
        for name in self.get_form_list():
            if name == step:
                return None
            if name not in done:
                return name
        return None

    def step_url(self, step: str, *, return_to: str = "") -> str:
        url = self.get_step_url(step)
        return f"{url}?{urlencode({'return': return_to})}" if return_to else url

    def returning_to_check(self) -> bool:
        """The person came from the check page (a Change link) and every step before it is answered."""
        return self.request.GET.get("return") == RETURN_TO_CHECK and self.first_incomplete_before(S.CHECK) is None

    # --- inputs from earlier steps -----------------------------------------------------------

    def _stored_value(self, step: str, field: str) -> str:
        data = self.storage.get_step_data(step)
        if not data:
            return ""
        value = data.get(f"{step}-{field}", "")
        return value if isinstance(value, str) else ""

    def valid_form(self, step: str) -> Any:
        """The step's form bound to its stored answers if they are valid, else None (cached per request)."""
        cache = self.__dict__.setdefault("_valid_forms", {})
        if step not in cache:
            cache[step] = None  # guards against a step whose inputs depend on itself
            form = self.get_form(
                step=step, data=self.storage.get_step_data(step), files=self.storage.get_step_files(step)
            )
            cache[step] = form if form.is_bound and form.is_valid() else None
        return cache[step]

    def earlier(self, step: str) -> dict[str, Any]:
        form = self.valid_form(step)
        return dict(form.cleaned_data) if form is not None else {}

    def get_form_kwargs(self, step: str | None = None) -> dict[str, Any]:
        step = step or self.steps.current
        kwargs: dict[str, Any] = {}
        if step in (S.PHONE_CODE, S.EMAIL_CODE):
            contacts = self.earlier(S.CONTACTS)
            kwargs["owner"] = self.draft_id
            kwargs["address"] = contacts.get("phone" if step == S.PHONE_CODE else "email", "")
            kwargs["outcome"], kwargs["attempts_left"] = getattr(self, "_code_outcome", {}).get(step, ("", 0))
            kwargs["confirmed"] = self.confirmed_contacts()
        elif step == S.NAMES_CYRILLIC:
            personal = self.earlier(S.PERSONAL)
            kwargs["latin"] = {k: personal.get(k, "") for k in ("surname", "given_names", "patronymic")}
        elif step == S.IDENTITY_DOCUMENT:
            kwargs["personal"] = self.earlier(S.PERSONAL)
        elif step == S.STAY_DOCUMENT:
            kwargs["kind"] = self.earlier(S.STAY_TYPE).get("kind", "")
            kwargs["personal"] = self.earlier(S.PERSONAL)
            kwargs["cyrillic"] = self.earlier(S.NAMES_CYRILLIC)
        elif step == S.PASSWORD:
            kwargs["contacts"] = self.earlier(S.CONTACTS)
            kwargs["captcha"] = forms.captcha_enabled() and not self.storage.extra_data.get("captcha_passed")
        return kwargs

    def confirmed_contacts(self) -> set[tuple[str, str]]:
        """The draft's confirmed ``(purpose, address)`` pairs: one query per request for both code steps."""
        if "_confirmed_contacts" not in self.__dict__:
            self._confirmed_contacts = codes.confirmed_addresses(self.draft_id)
        return self._confirmed_contacts

    def _reset_caches(self) -> None:
        for name in ("_resolved_form_list", "_cache_signature", "_valid_forms", "_confirmed_contacts"):
            self.__dict__.pop(name, None)
        for name in [n for n in self.__dict__ if n.startswith("_cleaned_data_cache_")]:
            delattr(self, name)

    # --- what is stored ----------------------------------------------------------------------

    def process_step(self, form: forms.StepForm) -> dict[str, list[str]]:
        """Only this form's fields, as lists (formtools' format); secrets replaced or dropped."""
        stored: dict[str, list[str]] = {}
        for name, field in form.fields.items():
            if field.widget.needs_multipart_form or name in ("captcha",):
                continue
            key = form.add_prefix(name)
            values = form.data.getlist(key) if hasattr(form.data, "getlist") else [form.data.get(key)]
            stored[key] = [str(v) for v in values if v is not None]
        if isinstance(form, forms.PasswordForm):
            password = form.cleaned_data.get("password1") or ""
            for name in ("password1", "password2"):
                stored.pop(form.add_prefix(name), None)
            token = forms.password_token(password) if password else form.cleaned_data.get("password_token", "")
            stored[form.add_prefix("password_token")] = [token]
        if isinstance(form, forms.CodeForm):
            stored.pop(form.add_prefix("code"), None)
        return stored

    def process_step_files(self, form: forms.StepForm) -> dict[str, UploadedFile]:
        files = {}
        for name, field in form.fields.items():
            if isinstance(field, forms.WizardScanField):
                upload = form.cleaned_data.get(name)
                if upload:
                    files[form.add_prefix(name)] = upload
        return files

    def posted_data(self, step: str) -> Any:
        """The POST, with the stored password's signed hash in place of anything posted under its name."""
        if step != S.PASSWORD:
            return self.request.POST
        data = self.request.POST.copy()
        data[f"{step}-password_token"] = self._stored_value(step, "password_token")
        return data

    def files_with_kept(self, step: str) -> Any:
        """The POSTed files, plus the stored ones for fields the person left empty (a scan is kept)."""
        files = self.request.FILES.copy()
        stored = self.storage.get_step_files(step) or {}
        for key, upload in stored.items():
            if key not in files:
                files[key] = upload
        return files

    # --- HTTP --------------------------------------------------------------------------------

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        step = kwargs.get("step")
        if step is None:
            # Resume where the person stopped (formtools' ?reset is not honoured: starting again is a POST).
            current = self.storage.current_step or self.steps.first
            target = self.first_incomplete_before(current) or current
            return redirect(self.get_step_url(target if target in self.get_form_list() else self.steps.first))
        if step not in self.get_form_list():
            return redirect(self.get_step_url(self.first_incomplete_before(None) or self.steps.first))
        missing = self.first_incomplete_before(step)
        if missing:
            return redirect(self.get_step_url(missing))
        self.storage.current_step = step
        if step == S.CHECK:
            failing = self.first_invalid_step()
            if failing:
                return redirect(self.step_url(failing, return_to=RETURN_TO_CHECK))
        status = 200
        if step in (S.PHONE_CODE, S.EMAIL_CODE):
            outcome = self.send_code(step, force=False)
            if outcome.code in (codes.RATE_LIMITED,):
                status = 429
            if outcome.code not in (codes.SENT, codes.ALREADY_CONFIRMED):
                self._send_outcome = outcome
        form = self.get_form(data=self.storage.current_step_data, files=self.storage.current_step_files)
        response = self.render(form)
        response.status_code = status
        return response

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        step = kwargs.get("step")
        if step not in self.get_form_list():
            return redirect(self.get_step_url(self.steps.first))
        missing = self.first_incomplete_before(step)
        if missing:
            return redirect(self.get_step_url(missing))
        self.storage.current_step = step
        request = self.request

        if step in (S.PHONE_CODE, S.EMAIL_CODE):
            if "resend" in request.POST:
                outcome = self.send_code(step, force=True)
                self._send_outcome = outcome
                form = self.get_form(data=None)
                response = self.render(form)
                if outcome.code in (codes.RATE_LIMITED, codes.COOLDOWN):
                    response.status_code = 429
                return response
            if self.check_typed_code(step) == codes.RATE_LIMITED:
                return too_many_requests(request)

        form = self.get_form(data=self.posted_data(step), files=self.files_with_kept(step))
        if not form.is_valid():
            return self.render(form)

        if step == S.TYPE and form.cleaned_data["registration_type"] == forms.RegistrationType.RUSSIAN:
            return redirect("registration:wizard_russian")

        self.store(step, form)
        if step == S.CHECK:
            return self.render_done(form, **kwargs)
        if self.request.GET.get("return") == RETURN_TO_CHECK:
            # Back to the check page, or first to a step this change made necessary.
            missing = self.first_incomplete_before(S.CHECK)
            return redirect(
                self.step_url(missing, return_to=RETURN_TO_CHECK) if missing else self.get_step_url(S.CHECK)
            )
        next_step = self.get_next_step(step)
        self.storage.current_step = next_step
        return redirect(self.get_step_url(next_step))

    def store(self, step: str, form: forms.StepForm) -> None:
        before = self.storage.get_step_data(step)
        self.storage.set_step_data(step, self.process_step(form))
        self.storage.set_step_files(step, self.process_step_files(form))
        if step == S.PASSWORD and "captcha" in form.fields:
            extra = self.storage.extra_data
            extra["captcha_passed"] = True
            self.storage.extra_data = extra
        self.mark_completed(step)
        self._invalidate_dependents(step, before, form)
        self._reset_caches()

    def _invalidate_dependents(self, step: str, before: Any, form: forms.StepForm) -> None:
        """A changed answer that later steps were built from: those steps are answered again."""
        if before is None:
            return
        changed = [
            name
            for name in form.fields
            if (before.get(form.add_prefix(name)) or "") != (form.data.get(form.add_prefix(name)) or "")
        ]
        if step == S.PERSONAL and {"surname", "given_names", "patronymic"} & set(changed):
            self.storage.drop_step(S.NAMES_CYRILLIC)
            self.unmark(S.NAMES_CYRILLIC)
        if step == S.STAY_TYPE and "kind" in changed:
            self.storage.drop_step(S.STAY_DOCUMENT)
            self.unmark(S.STAY_DOCUMENT)

    def first_invalid_step(self) -> str | None:
        for name in self.get_form_list():
            if name == S.CHECK:
                continue
            if self.valid_form(name) is None:
                return name
        return None

    def render_done(self, form: Any, **kwargs: Any) -> HttpResponse:
        """Re-validate every step (pure forms, stored files kept), then submit."""
        final_forms: OrderedDict[str, Any] = OrderedDict()
        self._reset_caches()
        for name in self.get_form_list():
            form_obj = self.valid_form(name)
            if form_obj is None:
                self.storage.current_step = name
                return redirect(self.step_url(name, return_to=RETURN_TO_CHECK))
            final_forms[name] = form_obj
        return self.done(list(final_forms.values()), form_dict=final_forms, **kwargs)

    def done(self, form_list: list[Any], form_dict: dict[str, Any] | None = None, **kwargs: Any) -> HttpResponse:
        assert form_dict is not None
        data = application_data(form_dict, language=translation.get_language() or "")
        try:
            applicant = services.submit_application(data, request=self.request)
        except services.DuplicateContact:
            self.storage.current_step = S.CONTACTS
            return redirect(self.step_url(S.CONTACTS, return_to=RETURN_TO_CHECK))
        draft = self.draft_id
        self.storage.reset()
        login(self.request, applicant.account, backend=LOGIN_BACKEND)
        codes.forget(draft)
        return redirect("registration:wizard_complete")

    # --- codes ----------------------------------------------------------------------------------

    def check_typed_code(self, step: str) -> str:
        """Check a well-formed typed code (this uses one of the code's attempts); the form shows the outcome."""
        typed = "".join(str(self.request.POST.get(f"{step}-code", ""))[:20].split())
        if not (typed.isdigit() and typed.isascii() and len(typed) == codes.code_length()):
            return ""  # the form explains what is wrong with it
        purpose = CodePurpose.PHONE if step == S.PHONE_CODE else CodePurpose.EMAIL
        address = self.get_form_kwargs(step)["address"]
        outcome = codes.check_code(purpose, self.draft_id, address, typed, request=self.request)
        self.__dict__.pop("_confirmed_contacts", None)
        self._code_outcome = {step: (outcome.code, outcome.attempts_left)}
        return outcome.code

    def send_code(self, step: str, *, force: bool) -> codes.SendOutcome:
        address = self.get_form_kwargs(step)["address"]
        purpose = CodePurpose.PHONE if step == S.PHONE_CODE else CodePurpose.EMAIL
        return codes.send_code(purpose, self.draft_id, address, request=self.request, force=force)

    # --- rendering -------------------------------------------------------------------------------

    def get_template_names(self) -> list[str]:
        return [S.BY_NAME[self.steps.current].template, "onboarding/step.html"]

    def get_context_data(self, form: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(form=form, **kwargs)
        current = self.steps.current
        names = list(self.get_form_list())
        index = names.index(current) if current in names else 0
        returning = self.returning_to_check()
        prev = self.get_prev_step(current)
        context.update(
            step=S.BY_NAME[current],
            step_number=index + 1,
            step_count=len(names),
            progress=round(100 * (index + 1) / len(names)),
            back_url=self.get_step_url(S.CHECK)
            if returning
            else (self.get_step_url(prev) if prev else reverse("registration:start")),
            returning_to_check=returning,
            form_action=self.step_url(current, return_to=RETURN_TO_CHECK if returning else ""),
            stored_files={
                key.removeprefix(f"{current}-"): describe_meta(meta)
                for key, meta in self.storage.file_meta(current).items()
            },
        )
        if current in (S.PHONE_CODE, S.EMAIL_CODE):
            context.update(self.code_context(current, form))
        if current == S.CHECK:
            context["sections"] = self.summary_sections()
        if current == S.STAY_DOCUMENT:
            context["stay_kind_label"] = dict(forms.STAY_KINDS).get(getattr(form, "kind", ""), "")
        return context

    def code_context(self, step: str, form: Any) -> dict[str, Any]:
        purpose = CodePurpose.PHONE if step == S.PHONE_CODE else CodePurpose.EMAIL
        address = getattr(form, "address", "")
        state = codes.state(purpose, self.draft_id, address)
        outcome = getattr(self, "_send_outcome", None)
        message = ""
        if outcome is not None and outcome.code in SEND_MESSAGES:
            message = SEND_MESSAGES[outcome.code] % {"seconds": outcome.retry_after}
        return {
            "address": address,
            "code_state": state,
            "send_message": message,
            "send_failed": outcome is not None and outcome.code not in (codes.SENT, codes.ALREADY_CONFIRMED),
            "minutes": max(1, codes.code_ttl() // 60),
        }

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


def _scan(upload: Any) -> services.ScanUpload | None:
    if not upload:
        return None
    info = getattr(upload, "scan_info", None) or {}
    return services.ScanUpload(
        file=upload,
        name=str(upload.name or "scan"),
        mime_type=str(info.get("mime_type") or upload.content_type or ""),
        size=int(info.get("size") or upload.size or 0),
        sha256=str(info.get("sha256") or ""),
    )


def application_data(form_dict: dict[str, Any], *, language: str = "") -> services.ApplicationData:
    """Turn the validated steps into the plain data that submit_application takes."""

    def cd(step: str) -> dict[str, Any]:
        return form_dict[step].cleaned_data

    contacts, personal, cyrillic = cd(S.CONTACTS), cd(S.PERSONAL), cd(S.NAMES_CYRILLIC)
    identity, stay_kind, stay = cd(S.IDENTITY_DOCUMENT), cd(S.STAY_TYPE)["kind"], cd(S.STAY_DOCUMENT)
    identifiers, address, password = cd(S.IDENTIFIERS), cd(S.ADDRESS), cd(S.PASSWORD)
    password_hash = password.get("password_hash") or forms.password_hash_from_token(
        password.get("password_token") or ""
    )
    zone = identity.get("mrz")
    documents = [
        services.DocumentData(
            role=DocumentRole.IDENTITY,
            kind=identity["kind"],
            country=personal["citizenship"],
            number=identity["number"],
            issue_date=identity["issue_date"],
            expiry_date=identity["expiry_date"],
            issuing_authority=identity["issuing_authority"],
            mrz=form_dict[S.IDENTITY_DOCUMENT].data.get(f"{S.IDENTITY_DOCUMENT}-mrz", "").strip() if zone else "",
            scan=_scan(identity.get("scan")),
        ),
        services.DocumentData(
            role=DocumentRole.STAY,
            kind=stay_kind,
            country="RU",
            series=stay.get("series", ""),
            number=stay.get("number", ""),
            issue_date=stay.get("issue_date"),
            expiry_date=stay.get("expiry_date"),
            issuing_authority=stay.get("issuing_authority", ""),
            scan=_scan(stay.get("scan")),
        ),
    ]
    assert password_hash, "the password step validated without a password"
    return services.ApplicationData(
        email=contacts["email"],
        phone=contacts["phone"],
        password_hash=password_hash,
        surname=personal["surname"],
        given_names=personal["given_names"],
        patronymic=personal.get("patronymic", ""),
        surname_cyrillic=cyrillic["surname_cyrillic"],
        given_names_cyrillic=cyrillic["given_names_cyrillic"],
        patronymic_cyrillic=cyrillic.get("patronymic_cyrillic", ""),
        birth_date=personal["birth_date"],
        birth_place=personal["birth_place"],
        sex=personal["sex"],
        citizenship=personal["citizenship"],
        snils=identifiers.get("snils") or "",
        inn=identifiers.get("inn") or "",
        region=address["region"],
        city=address["city"],
        street=address["street"],
        house=address["house"],
        flat=address.get("flat", ""),
        postcode=address["postcode"],
        language=language,
        documents=documents,
    )


wizard_view = RegistrationWizard.as_view(url_name="registration:wizard_step", done_step_name="done")


@require_GET
def russian_citizens(request: HttpRequest) -> HttpResponse:
    """Explains that citizens of Russia register another way."""
    return render(request, "onboarding/russian_citizens.html")


@never_cache
@login_required
def complete(request: HttpRequest) -> HttpResponse:
    """The confirmation page: the application number and what happens next."""
    applicant = getattr(request.user, "applicant", None)
    if applicant is None:
        return redirect("registration:cabinet")
    return render(request, "onboarding/complete.html", {"applicant": applicant})


@never_cache
def email_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the e-mail: GET shows a button (mail scanners follow links), POST confirms."""
    outcome = codes.confirm_email_link(token) if request.method == "POST" else codes.read_email_link(token)
    return render(
        request,
        "onboarding/email_link.html",
        {"outcome": outcome.code, "address": outcome.address, "token": token},
        status=200 if outcome.code in ("link_valid", codes.CONFIRMED) else 400,
    )


@require_POST
def restart(request: HttpRequest) -> HttpResponse:
    """Start again: forget the draft, its codes and its uploaded files."""
    storage = WizardStorage(WIZARD_PREFIX, request, storages["wizard"])
    draft = storage.extra_data.get("draft")
    storage.reset()
    for name in storage._tmp_files:
        storages["wizard"].delete(name)
    if draft:
        codes.forget(draft)
    return redirect("registration:wizard_step", step=S.NAMES[0])


def has_draft(request: HttpRequest) -> bool:
    data = request.session.get(f"wizard_{WIZARD_PREFIX}") or {}
    return bool(data.get("step_data"))


__all__ = ["RegistrationWizard", "StoredFile", "complete", "email_link", "russian_citizens", "wizard_view"]
