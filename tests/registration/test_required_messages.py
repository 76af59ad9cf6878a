"""Every required field left empty says what to do, on that field, in its own words."""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.urls import reverse
from django.utils.translation import gettext

from registration.accounts.forms import ChosenPasswordForm, LoginForm
from registration.cabinet.identity import UploadForm
from registration.cabinet.profile import forms as profile
from registration.identity.consulate import ConsulateCodeForm
from registration.identity.post_letter import LetterCodeForm, PostOfficeForm
from registration.identity.service_centre import CodeForm as CentreCodeForm
from registration.identity.signature import CertificateForm
from registration.identity.video_call import BookingForm
from registration.onboarding import forms as wizard
from registration.onboarding import steps as S
from registration.support.forms import SupportReplyForm, SupportRequestForm
from registration.workspace import documents as workspace_documents
from registration.workspace import forms as workspace

GENERIC = forms.Field.default_error_messages["required"]


def assert_asks_for(form: forms.BaseForm, field: str, english: str) -> None:
    """``field`` of the empty ``form`` carries exactly the message ``english``, in the active language."""
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()[field]] == ["required"], form.errors
    assert form.errors[field] == [gettext(english)]
    assert gettext(english) != str(GENERIC)


WIZARD = [
    (wizard.RegistrationTypeForm, {}, "registration_type", "Choose who you are registering as."),
    (wizard.ContactsForm, {}, "email", "Enter your e-mail address."),
    (wizard.ContactsForm, {}, "phone", "Enter your mobile phone number."),
    (wizard.PersonalForm, {}, "surname", "Enter your surname as it is written in your passport."),
    (wizard.PersonalForm, {}, "given_names", "Enter your given names as they are written in your passport."),
    (wizard.PersonalForm, {}, "birth_date", "Enter your date of birth."),
    (wizard.PersonalForm, {}, "birth_place", "Enter your place of birth."),
    (wizard.PersonalForm, {}, "sex", "Choose your sex as in your passport."),
    (wizard.PersonalForm, {}, "citizenship", "Choose your citizenship."),
    (
        wizard.NamesCyrillicForm,
        {"latin": {"patronymic": "Ivan"}},
        "surname_cyrillic",
        "Enter your surname in Russian letters.",
    ),
    (
        wizard.NamesCyrillicForm,
        {"latin": {"patronymic": "Ivan"}},
        "given_names_cyrillic",
        "Enter your given names in Russian letters.",
    ),
    (
        wizard.NamesCyrillicForm,
        {"latin": {"patronymic": "Ivan"}},
        "patronymic_cyrillic",
        "Enter your patronymic in Russian letters.",
    ),
    (wizard.IdentityDocumentForm, {}, "kind", "Choose the type of document."),
    (wizard.IdentityDocumentForm, {}, "number", "Enter the document number as it is printed in the document."),
    (wizard.IdentityDocumentForm, {}, "issue_date", "Enter the date of issue."),
    (wizard.IdentityDocumentForm, {}, "expiry_date", "Enter the date until which the document is valid."),
    (wizard.IdentityDocumentForm, {}, "issuing_authority", "Enter who issued the document, as written in it."),
    (wizard.IdentityDocumentForm, {}, "scan", "Attach a scan or photo of the page with your photo."),
    (wizard.StayTypeForm, {}, "kind", "Choose your document of stay."),
    (wizard.StayDocumentForm, {"kind": "residence_permit"}, "series", "Enter the series of the document."),
    (wizard.StayDocumentForm, {"kind": "residence_permit"}, "number", "Enter the number of the residence permit."),
    (wizard.StayDocumentForm, {"kind": "residence_permit"}, "issue_date", "Enter the date of issue."),
    (wizard.StayDocumentForm, {"kind": "residence_permit"}, "issuing_authority", "Enter who issued the document."),
    (
        wizard.StayDocumentForm,
        {"kind": "residence_permit"},
        "holder_name",
        "Enter the name as written in the document.",
    ),
    (wizard.StayDocumentForm, {"kind": "residence_permit"}, "scan", "Attach a scan or photo of the document."),
    (wizard.StayDocumentForm, {"kind": "temporary_residence"}, "number", "Enter the number of the decision."),
    (wizard.StayDocumentForm, {"kind": "temporary_residence"}, "issue_date", "Enter the date of the decision."),
    (
        wizard.StayDocumentForm,
        {"kind": "temporary_residence"},
        "expiry_date",
        "Enter the date until which the permit is valid.",
    ),
    (wizard.StayDocumentForm, {"kind": "migration_card"}, "number", "Enter the number of the migration card."),
    (wizard.StayDocumentForm, {"kind": "migration_card"}, "issue_date", "Enter the date of entry."),
    (wizard.StayDocumentForm, {"kind": "migration_card"}, "expiry_date", "Enter the date until which you may stay."),
    (wizard.StayDocumentForm, {"kind": "work_patent"}, "number", "Enter the number of the patent."),
    (
        wizard.StayDocumentForm,
        {"kind": "work_patent"},
        "expiry_date",
        "Enter the date until which the patent is valid.",
    ),
    (wizard.StayDocumentForm, {"kind": "stay_registration"}, "issue_date", "Enter the date your stay starts."),
    (wizard.StayDocumentForm, {"kind": "stay_registration"}, "expiry_date", "Enter the date your stay ends."),
    (wizard.AddressForm, {}, "region", "Choose the region."),
    (wizard.AddressForm, {}, "city", "Enter the city, town or settlement."),
    (wizard.AddressForm, {}, "street", "Enter the street."),
    (wizard.AddressForm, {}, "house", "Enter the house number."),
    (wizard.AddressForm, {}, "postcode", "Enter the postal code."),
    (wizard.PasswordForm, {"captcha": True}, "consent", "To register, agree to the terms of use."),
    (wizard.PasswordForm, {"captcha": True}, "captcha", "Type the digits from the picture."),
]


@pytest.mark.parametrize(
    ("form_class", "kwargs", "field", "english"), WIZARD, ids=lambda v: getattr(v, "__name__", None)
)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_wizard_forms(db, settings, form_class, kwargs, field, english, language):
    """Each wizard step's required field, left empty, asks for itself in the page's language."""
    from django.utils import translation

    with translation.override(language):
        assert_asks_for(form_class(data={}, files={}, **kwargs), field, english)


# The identifiers are optional and the check page has no fields: empty, both simply go on.
@pytest.mark.parametrize("step", [step.name for step in S.STEPS if step.name not in (S.IDENTIFIERS, S.CHECK)])
def test_no_wizard_step_shows_the_generic_message(wizard, step):
    """Posting a step with every field empty shows no "This field is required." anywhere on the page."""
    wizard.run_until(step)
    response = wizard.post(step, {}, files={}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    html = response.content.decode()
    assert str(GENERIC) not in html
    for field, messages in form.errors.items():
        assert str(GENERIC) not in messages, field


PROFILE = [
    (profile.EmailChangeForm, "address", "Enter the new e-mail address."),
    (profile.EmailChangeForm, "password", "Enter your current password."),
    (profile.PhoneChangeForm, "address", "Enter the new mobile phone number."),
    (profile.ContactCodeForm, "code", "Enter the code from the message."),
    (profile.PersonalChangeForm, "surname", "Enter your surname as it is written in your passport."),
    (profile.PersonalChangeForm, "given_names", "Enter your given names as they are written in your passport."),
    (profile.PersonalChangeForm, "surname_cyrillic", "Enter your surname in Russian letters."),
    (profile.PersonalChangeForm, "given_names_cyrillic", "Enter your given names in Russian letters."),
    (profile.PersonalChangeForm, "birth_date", "Enter your date of birth."),
    (profile.PersonalChangeForm, "birth_place", "Enter your place of birth."),
    (profile.PersonalChangeForm, "sex", "Choose your sex as in your passport."),
    (profile.PersonalChangeForm, "citizenship", "Choose your citizenship."),
    (profile.PersonalChangeForm, "scan", "Attach a scan or photo of the passport page that shows the new data."),
    (profile.DocumentChangeForm, "number", "Enter the document number as it is printed in the document."),
    (profile.DocumentChangeForm, "issue_date", "Enter the date of issue."),
    (profile.DocumentChangeForm, "expiry_date", "Enter the date until which the document is valid."),
    (profile.DocumentChangeForm, "scan", "Attach a scan or photo of the page with your photo."),
    (profile.AddressChangeForm, "region", "Choose the region."),
    (profile.AddressChangeForm, "postcode", "Enter the postal code."),
    (profile.AddressChangeForm, "city", "Enter the city, town or settlement."),
]


@pytest.mark.parametrize(("form_class", "field", "english"), PROFILE, ids=lambda v: getattr(v, "__name__", None))
def test_your_details_forms(make_account, form_class, field, english):
    """Each "your details" form's required field, left empty, asks for itself."""
    kwargs = {"account": make_account()} if issubclass(form_class, profile.PasswordCheckMixin) else {}
    assert_asks_for(form_class(data={}, files={}, **kwargs), field, english)


CABINET = [
    (SupportRequestForm, "topic", "Choose what your question is about."),
    (SupportRequestForm, "body", "Describe the problem."),
    (SupportReplyForm, "body", "Write your message."),
    (CertificateForm, "certificate", "Attach your certificate file (.p12 or .pfx)."),
    (ConsulateCodeForm, "code", "Enter the code from the consulate."),
    (CentreCodeForm, "code", "Enter the code the clerk gave you."),
    (BookingForm, "slot", "Choose a time for the video call."),
    (PostOfficeForm, "postcode", "Enter the postal code of the post office."),
    (PostOfficeForm, "address", "Enter the address of the post office."),
    (LetterCodeForm, "code", "Enter the code from the letter."),
    (UploadForm, "scan_1", "Attach a scan of the document the clerk asked for."),
]


@pytest.mark.parametrize(("form_class", "field", "english"), CABINET, ids=lambda v: getattr(v, "__name__", None))
def test_cabinet_forms(db, form_class, field, english):
    """Each cabinet form's required field (support, identity methods), left empty, asks for itself."""
    assert_asks_for(form_class(data={}, files={}), field, english)


WORKSPACE = [
    (workspace.ConfirmInPersonForm, "originals", "Tick the originals you checked: the identity document at least."),
    (workspace.ConfirmScansForm, "checks", "Tick what you compared with the scans."),
    (workspace.ReasonForm, "reason", "Give the reason: the person reads it."),
    (workspace.ChangesRequestForm, "message", "Say what the person must correct."),
    (workspace_documents.RevokeDocumentForm, "reason", "Say why the document is revoked."),
    (workspace.RequestDocumentsForm, "message", "Say which documents are needed, and why: the person reads it."),
    (workspace.IssueConsulateCodeForm, "passport_number", "Enter the passport number as printed in the passport."),
    (
        workspace.IssueConsulateCodeForm,
        "passport_checked",
        "Confirm that you have seen the passport and that it belongs to the person in front of you.",
    ),
    (workspace.PublishSlotsForm, "day", "Enter the day of the calls."),
    (workspace.PublishSlotsForm, "first", "Enter the time the first call starts."),
    (workspace.PublishSlotsForm, "last", "Enter the time the last call ends."),
    (workspace.PublishSlotsForm, "length", "Enter the length of a call in minutes."),
    (workspace.VideoDecisionForm, "decision", "Choose whether the identity is confirmed."),
    (workspace.SupportAnswerForm, "body", "Write the answer: the person reads it."),
    (workspace.SupportAnswerForm, "status", "Choose the status after the answer."),
    (workspace.SupportStatusForm, "status", "Choose the new status."),
    (
        workspace.OperatorRequestForm,
        "account",
        "Enter the caller's application number, e-mail address or phone number.",
    ),
    (workspace.OperatorRequestForm, "topic", "Choose what the request is about."),
    (workspace.OperatorRequestForm, "body", "Describe what the caller reports."),
    (workspace.CallerSearchForm, "term", "Enter the caller's application number, e-mail address or phone number."),
    (workspace.CallerCheckForm, "name", "Enter the full name as the caller says it."),
    (workspace.CallerCheckForm, "birth_date", "Enter the date of birth the caller gives."),
    (workspace.CallerCheckForm, "identifier_kind", "Choose which number the caller gives."),
    (workspace.CallerCheckForm, "identifier", "Enter the characters of the number the caller says."),
    (workspace.CallerCodeForm, "code", "Enter the code the caller reads out."),
    (workspace.SupportNoteForm, "support_request", "Choose the request the note is about."),
    (workspace.SupportNoteForm, "body", "Write the note."),
    (
        workspace.AcceptChangeForm,
        "compared",
        "Confirm that you compared the proposed data with the new scan.",
    ),
]


def _make_form(make_form: Callable[..., forms.BaseForm], make_account, **kwargs: Any) -> forms.BaseForm:
    """``make_form(**kwargs)``, given the account it is about when it cannot be made without one."""
    account = inspect.signature(make_form).parameters.get("account")
    if account is not None and account.default is inspect.Parameter.empty:
        kwargs["account"] = make_account()
    return make_form(**kwargs)


@pytest.mark.parametrize(("form_class", "field", "english"), WORKSPACE, ids=lambda v: getattr(v, "__name__", None))
@pytest.mark.parametrize("language", ["en", "ru"])
def test_workspace_forms(make_account, form_class, field, english, language):
    """Each clerk's form in the workspace, its required field left empty, asks for that field in its own words."""
    from django.utils import translation

    with translation.override(language):
        assert_asks_for(_make_form(form_class, make_account, data={}, files={}), field, english)


def _workspace_form_classes() -> list[type[forms.BaseForm]]:
    """Every form defined in ``registration.workspace``, so that a new desk's forms are checked too."""
    import registration.workspace

    found = []
    for module_info in pkgutil.iter_modules(registration.workspace.__path__):
        module = importlib.import_module(f"registration.workspace.{module_info.name}")
        for _name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                found.append(value)
    return sorted(set(found), key=lambda form_class: form_class.__name__)


def test_the_workspace_forms_are_found():
    """The search for workspace forms finds the clerks' forms of every desk (it cannot silently find none)."""
    names = {form_class.__name__ for form_class in _workspace_form_classes()}
    assert names >= {"ReasonForm", "IssueConsulateCodeForm", "PublishSlotsForm", "CallerCheckForm", "AcceptChangeForm"}
    assert names == {form_class.__name__ for form_class, _field, _english in WORKSPACE}


@pytest.mark.parametrize(
    "make_form",
    [
        *(functools.partial(form_class, **kwargs) for form_class, kwargs, _field, _english in WIZARD),
        UploadForm,
        BookingForm,
        *_workspace_form_classes(),
    ],
    ids=lambda make_form: getattr(make_form, "func", make_form).__name__,
)
def test_no_required_field_is_left_with_the_generic_message(make_account, make_form):
    """Whatever field a form gains, its required fields all carry a message of their own (workspace forms too)."""
    form = _make_form(make_form, make_account)
    form.full_clean()  # unbound: nothing is validated, but the messages are set as for a bound form
    for name, field in form.fields.items():
        if field.required:
            assert str(field.error_messages["required"]) != str(GENERIC), (type(form).__name__, name)


@pytest.mark.parametrize(
    ("field", "english"),
    [("username", "Enter your e-mail address or mobile phone number."), ("password", "Enter your password.")],
)
def test_login_form(client, db, field, english):
    """The log-in page, posted empty, asks for the e-mail or phone and for the password."""
    response = client.post(reverse("registration:login"), {"username": "", "password": ""})
    assert response.status_code == 200
    form = response.context["form"]
    assert isinstance(form, LoginForm)
    assert_asks_for(form, field, english)


@pytest.mark.parametrize(
    ("field", "english"),
    [("new_password1", "Create a new password."), ("new_password2", "Type the new password again.")],
)
def test_new_password_form(make_account, field, english):
    """The new password after a reset link, left empty, is asked for."""
    assert_asks_for(ChosenPasswordForm(make_account(), data={}), field, english)
