"""The registration wizard: formtools' ``NamedUrlSessionWizardView`` with one URL per step."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.core.files.storage import Storage, storages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from formtools.wizard.views import NamedUrlSessionWizardView

from registration.codes import contact as codes
from registration.core import metrics
from registration.core.http import client_ip
from registration.core.i18n import set_language_cookie, supported
from registration.core.ratelimit import hit, too_many_requests
from registration.onboarding import forms, resume
from registration.onboarding import steps as S
from registration.onboarding import submit as services
from registration.onboarding.storage import WizardStorage
from registration.onboarding.views.application import application_data
from registration.onboarding.views.code_steps import CodeStepsMixin
from registration.onboarding.views.draft import RETURN_TO_CHECK, WIZARD_PREFIX, DraftMixin
from registration.onboarding.views.existing import ExistingAccountMixin
from registration.onboarding.views.resume import SAVE_LATER, SavedDraftMixin
from registration.onboarding.views.summary import SummaryMixin, describe_meta
from registration.onboarding.views.zone import ZONE_READ, ZoneMixin
from registration.registries import backends as registry_backends
from registration.registries.inn import check_inn, temporary_code_message

LOGIN_BACKEND = "registration.accounts.backends.EmailOrPhoneBackend"
#: The header's language buttons are submit buttons of the step's form with this name (``base.html``).
LANGUAGE_FIELD = "language"
SEND_OUTCOME = "send_outcome"


@method_decorator(never_cache, name="dispatch")
@method_decorator(sensitive_post_parameters("password-password1", "password-password2"), name="dispatch")
class RegistrationWizard(
    ZoneMixin,
    DraftMixin,
    CodeStepsMixin,
    ExistingAccountMixin,
    SummaryMixin,
    SavedDraftMixin,
    NamedUrlSessionWizardView,
):
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

    # --- HTTP --------------------------------------------------------------------------------

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with metrics.wizard_step_timer(kwargs.get("step") if kwargs.get("step") in S.BY_NAME else None, request.method):
            return metrics.rendered(self.with_handle(super().dispatch(request, *args, **kwargs)))

    def lost(self, step: str | None) -> bool:
        """A later step asked for by a browser that had a registration in progress, now without any answer
        in its session: the session has ended (a new visitor is simply sent to the first step)."""
        return (
            step is not None
            and step in self.get_form_list()
            and step != self.steps.first
            and not self.completed()
            and bool(self.request.COOKIES.get(resume.STARTED_COOKIE))
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        step = kwargs.get("step")
        if self.lost(step):
            return self.session_lost()
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
        if self.has_existing_account(step):
            return self.render_account_exists()
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
            asked = self.pop_send_outcome(step)
            if asked is not None:  # "send a new code" was pressed (its POST redirected here)
                self._send_outcome = asked
                status = 429 if asked.code in (codes.RATE_LIMITED, codes.COOLDOWN) else 200
        form = self.typed_form(step)
        if form is None:
            form = self.get_form(data=self.storage.current_step_data, files=self.storage.current_step_files)
        response = self.render(form)
        response.status_code = status
        return response

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        step = kwargs.get("step")
        if self.lost(step):
            return self.session_lost()
        if step not in self.get_form_list():
            return redirect(self.get_step_url(self.steps.first))
        assert isinstance(step, str)  # one of the form list's names
        missing = self.first_incomplete_before(step)
        if missing:
            return redirect(self.get_step_url(missing))
        self.storage.current_step = step
        request = self.request
        # Every POST ends in a redirect to a GET (Post/Redirect/Get): going back or reloading never
        # sends a form again. The same step's GET shows what was typed, and the errors once.
        here = request.get_full_path()
        language = supported(request.POST.get(LANGUAGE_FIELD))
        if language:
            # A language button of the header, submitted with this step's form: keep the input
            # unvalidated, switch, and show the same step again in the new language.
            self.keep_typed(
                step, self.get_form(data=self.posted_data(step), files=self.files_with_kept(step)), errors=False
            )
            translation.activate(language)
            self.keep_on_server()
            response = redirect(here)
            set_language_cookie(response, language)
            return response
        if SAVE_LATER in request.POST:
            self.keep_typed(
                step, self.get_form(data=self.posted_data(step), files=self.files_with_kept(step)), errors=False
            )
            return self.save_for_later(step)
        if step == S.IDENTITY_DOCUMENT and ZONE_READ in request.POST:
            return self.read_zone_now(step, here)
        if step == S.CONTACTS and not hit("wizard_contacts_ip", client_ip(request) or "unknown"):
            return too_many_requests(request)
        if step not in (S.PHONE_CODE, S.EMAIL_CODE) and self.has_existing_account(step):
            return redirect(here)  # its GET shows the account-exists page (a code step stores its answer first)

        if step in (S.PHONE_CODE, S.EMAIL_CODE):
            if "resend" in request.POST:
                self.keep_send_outcome(step, self.send_code(step, force=True))
                return redirect(here)
            if self.check_typed_code(step) == codes.RATE_LIMITED:
                return too_many_requests(request)

        form = self.get_form(data=self.posted_data(step), files=self.files_with_kept(step))
        if not form.is_valid():
            self.keep_typed(step, form, errors=True)
            if step == S.IDENTITY_DOCUMENT:
                self.start_zone_reading()  # the scan was kept: its zone is read meanwhile
            self.keep_on_server()
            return redirect(here)

        if step == S.TYPE and form.cleaned_data["registration_type"] == forms.RegistrationType.RUSSIAN:
            return redirect("registration:wizard_russian")

        if step in (S.PHONE_CODE, S.EMAIL_CODE):
            # With the confirmed contacts the form just read: once both are free, later steps need no query.
            self.taken_confirmed_contacts()
        self.store(step, form)
        if step == S.IDENTIFIERS:
            self.ask_the_tax_service(form)
        if step == S.IDENTITY_DOCUMENT:
            self.apply_zone_choices(form)
            self.start_zone_reading()  # a new scan: its zone is read in the background
        if step == S.CHECK:
            return self.render_done(form, **kwargs)
        if self.request.GET.get("return") == RETURN_TO_CHECK:
            # Back to the check page, or first to a step this change made necessary.
            missing = self.first_incomplete_before(S.CHECK)
            self.keep_on_server()
            return redirect(
                self.step_url(missing, return_to=RETURN_TO_CHECK) if missing else self.get_step_url(S.CHECK)
            )
        next_step = self.get_next_step(step)
        self.storage.current_step = next_step
        self.keep_on_server()
        return redirect(self.get_step_url(next_step))

    def keep_send_outcome(self, step: str, outcome: codes.SendOutcome) -> None:
        extra = self.storage.extra_data
        extra[SEND_OUTCOME] = [step, outcome.code, outcome.retry_after]
        self.storage.extra_data = extra

    def pop_send_outcome(self, step: str) -> codes.SendOutcome | None:
        """What pressing "send a new code" did, shown once on the step's GET."""
        extra = self.storage.extra_data
        kept = extra.pop(SEND_OUTCOME, None)
        if kept is None:
            return None
        self.storage.extra_data = extra
        if kept[0] != step:
            return None
        return codes.SendOutcome(kept[1], retry_after=kept[2])

    def ask_the_tax_service(self, form: forms.StepForm) -> None:
        """The INN "Check" without JavaScript: sending the identifiers step asks the tax service (one try).

        The answer is a notice on the next page, never a refusal; without an INN, a temporary
        identification code, if the tax service gives one.
        """
        if not registry_backends.endpoint("inn"):
            return
        personal = self.get_cleaned_data_for_step(S.PERSONAL) or {}
        if not personal.get("birth_date"):
            return
        inn = form.cleaned_data.get("inn") or ""
        result = check_inn(
            inn, surname=personal["surname"], given_names=personal["given_names"], birth_date=personal["birth_date"]
        )
        if inn:
            level = {"success": messages.SUCCESS, "info": messages.INFO}.get(result.level, messages.WARNING)
            messages.add_message(self.request, level, str(result.message))
        elif result.temporary_code:
            messages.info(self.request, temporary_code_message(result.temporary_code))

    def store(self, step: str, form: forms.StepForm) -> None:
        before = self.storage.get_step_data(step)
        if before is None and step == self.steps.first:
            metrics.registration("started")
        self.forget_typed(step)
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
            self.forget_typed(S.NAMES_CYRILLIC)
            self.unmark(S.NAMES_CYRILLIC)
        if step == S.STAY_TYPE and "kind" in changed:
            self.storage.drop_step(S.STAY_DOCUMENT)
            self.forget_typed(S.STAY_DOCUMENT)
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
            # Registered meanwhile (the database's constraints decided the race): the check page now says so.
            extra = self.storage.extra_data
            extra.pop("contacts_free", None)
            self.storage.extra_data = extra
            self._reset_caches()
            return redirect(self.get_step_url(S.CHECK))
        draft = self.draft_id
        self.attach_zone_reading(applicant)
        self.storage.reset()
        login(self.request, applicant.account, backend=LOGIN_BACKEND)
        codes.forget(draft)
        resume.forget(draft)
        response = redirect("registration:wizard_complete")
        resume.forget_browser(response)
        return response

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
        # "Save and continue later" once the e-mail is confirmed (the draft can then be kept on the server).
        context["can_save_later"] = self.email_confirmed()
        if current == S.IDENTITY_DOCUMENT:
            context.update(self.zone_context(form))
        if current == S.STAY_DOCUMENT:
            context["stay_kind_label"] = dict(forms.STAY_KINDS).get(getattr(form, "kind", ""), "")
        return context


wizard_view = RegistrationWizard.as_view(url_name="registration:wizard_step", done_step_name="done")
