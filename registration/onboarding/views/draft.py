"""The wizard's draft: which steps are answered, the inputs later steps take from earlier ones, and what
is stored (only the form's own fields, never the password (a signed hash instead) or a code)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.forms.utils import ErrorDict
from django.utils.datastructures import MultiValueDict
from django.utils.http import urlencode

from registration.onboarding import forms
from registration.onboarding import steps as S
from registration.onboarding.storage import WizardStorage

WIZARD_PREFIX = "registration_wizard"  # formtools' prefix for RegistrationWizard (its name, snake_case)
RETURN_TO_CHECK = "check"

if TYPE_CHECKING:
    # What the wizard's mixins are read against: formtools' view (untyped, so its attributes and the
    # other mixins' are Any to the checker). At run time the mixins stay plain classes.
    from formtools.wizard.views import NamedUrlSessionWizardView as WizardView
else:
    WizardView = object


class DraftMixin(WizardView):
    """The draft's bookkeeping, for :class:`~registration.onboarding.views.wizard.RegistrationWizard`."""

    storage: WizardStorage

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
        if step == S.CONTACTS and self.storage.get_step_data(S.PERSONAL):
            kwargs["citizenship"] = self.earlier(S.PERSONAL).get("citizenship", "")
        elif step in (S.PHONE_CODE, S.EMAIL_CODE):
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

    def _reset_caches(self) -> None:
        for name in (
            "_resolved_form_list",
            "_cache_signature",
            "_valid_forms",
            "_confirmed_contacts",
            "_taken_confirmed",
        ):
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
        if isinstance(form, forms.ContactsForm):
            # The number as read (E.164): a later citizenship must not re-read a local number as another.
            stored[form.add_prefix("phone")] = [form.cleaned_data["phone"]]
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

    # --- typed input: kept without validation, shown once with its errors ---------------------
    #
    # A failed POST, a language switch and "save and continue later" keep what the person typed in
    # ``extra_data["typed"][step]`` (the session, encrypted at rest) and redirect to the step's GET,
    # which shows it again: with the errors once after a failed POST, without any after a switch.
    # Nothing secret is kept: no password, no code, no captcha answer. A valid upload is stored as the
    # step's file even when another field failed, so it is never asked for twice.

    def raw_input(self, form: forms.StepForm) -> dict[str, list[str]]:
        """The step's own fields as typed (no validation); never a password, a code or a captcha."""
        typed: dict[str, list[str]] = {}
        for name, field in form.fields.items():
            if field.widget.needs_multipart_form or name in UNKEPT_FIELDS:
                continue
            key = form.add_prefix(name)
            values = form.data.getlist(key) if hasattr(form.data, "getlist") else [form.data.get(key)]
            typed[key] = [str(value)[:MAX_TYPED_LENGTH] for value in values[:MAX_TYPED_VALUES] if value is not None]
        return typed

    def keep_typed(self, step: str, form: forms.StepForm, *, errors: bool) -> None:
        """Keep ``form``'s input for ``step`` (with its errors when ``errors``) and its valid uploads."""
        scans = [name for name, field in form.fields.items() if isinstance(field, forms.WizardScanField)]
        if scans:
            # Judged only for its uploads (a step without one is not validated here: a captcha stays
            # unanswered): a valid upload is stored even when other fields fail.
            form.is_valid()
        kept_files = {form.add_prefix(name): form.cleaned_data[name] for name in scans if form.cleaned_data.get(name)}
        if kept_files:
            self.storage.set_step_files(step, kept_files)
        entry: dict[str, Any] = {"data": self.raw_input(form)}
        if errors:
            entry["errors"] = saved_errors(form)
            outcome = getattr(self, "_code_outcome", {}).get(step)
            if outcome:
                entry["code_outcome"] = list(outcome)
        extra = self.storage.extra_data
        extra.setdefault(TYPED, {})[step] = entry
        self.storage.extra_data = extra

    def forget_typed(self, step: str) -> None:
        extra = self.storage.extra_data
        if step in extra.get(TYPED, {}):
            del extra[TYPED][step]
            self.storage.extra_data = extra

    def typed_form(self, step: str) -> Any:
        """The step's form showing the kept input (and, once, its errors), or ``None`` when none is kept."""
        extra = self.storage.extra_data
        entry = extra.get(TYPED, {}).get(step)
        if not entry:
            return None
        errors = entry.pop("errors", None)
        outcome = entry.pop("code_outcome", None)
        if errors is not None or outcome is not None:
            self.storage.extra_data = extra  # the errors are shown once
        if outcome:
            self._code_outcome = {step: tuple(outcome)}
        stored = self.storage.get_step_data(step)
        data = stored.copy() if stored is not None else MultiValueDict()
        for key, values in entry.get("data", {}).items():
            data.setlist(key, list(values))
        form = self.get_form(data=data, files=self.storage.get_step_files(step))
        form.cleaned_data = {}
        form._errors = restored_errors(form, errors or {})
        return form


#: Fields whose input is never kept unvalidated.
UNKEPT_FIELDS = frozenset({"password1", "password2", "password_token", "code", "captcha"})
MAX_TYPED_LENGTH = 2000
MAX_TYPED_VALUES = 20
TYPED = "typed"


def saved_errors(form: forms.StepForm) -> dict[str, list[dict[str, Any]]]:
    """``form.errors`` as plain data for the session: each message (in the current language), code and params."""
    saved: dict[str, list[dict[str, Any]]] = {}
    for field, errors in form.errors.as_data().items():
        saved[field] = [
            {
                "message": str(error.message),
                "code": error.code or "",
                "params": {key: value if isinstance(value, int | str) else str(value) for key, value in params.items()}
                if isinstance(params := error.params, dict)
                else None,
            }
            for error in errors
        ]
    return saved


def restored_errors(form: forms.StepForm, saved: dict[str, list[dict[str, Any]]]) -> ErrorDict:
    """``form.errors`` as :func:`saved_errors` kept them."""
    errors = ErrorDict(renderer=form.renderer)
    for field, items in saved.items():
        if field != NON_FIELD_ERRORS and field not in form.fields:
            continue
        error_class = "nonfield" if field == NON_FIELD_ERRORS else None
        errors[field] = form.error_class(
            [
                ValidationError(str(item.get("message", "")), code=item.get("code") or None, params=item.get("params"))
                for item in items
            ],
            error_class=error_class,
            renderer=form.renderer,
        )
    return errors
