"""Invalid text (NUL, broken UTF-8, unpaired surrogates, huge values, invisible characters) never gives a 500."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.contrib.admin import SimpleListFilter
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from registration.onboarding import steps as S
from tests.registration.identity_fixtures import make_applicant, superuser  # noqa: F401

#: What fills every path and query parameter: a NUL byte, an unpaired surrogate (CESU-style bytes
#: that are not UTF-8), and a 10 000-character value.
INPUTS = {"nul": "%00", "surrogate": "%ED%A0%80", "long": "A" * 10_000}
#: Query parameters most views and every changelist read.
COMMON_QUERY = ("q", "o", "p", "page", "next", "return", "e", "all", "_to_field", "_popup", "_changelist_filters")
_GROUP = re.compile(r"<(?:[^>:]+:)?([^>]+)>|\(\?P<([^>]+)>[^)]*\)")


def _routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    """Every URL pattern of the site as a route whose parameters are ``{}`` placeholders."""
    routes: list[str] = []
    for entry in resolver.url_patterns:
        piece = str(entry.pattern).lstrip("^").removesuffix("$").removesuffix(r"\Z")
        piece = _GROUP.sub("{}", piece).replace("\\", "")
        if isinstance(entry, URLResolver):
            routes.extend(_routes(entry, prefix + piece))
        elif isinstance(entry, URLPattern):
            routes.append(prefix + piece)
    return sorted(set(routes))


def _filter_parameters(model_admin: admin.ModelAdmin) -> list[str]:
    """The query parameters of a changelist's filters and date hierarchy."""
    names: list[str] = []
    for item in model_admin.list_filter:
        if isinstance(item, type) and issubclass(item, SimpleListFilter):
            names.append(item.parameter_name)
            continue
        field = item[0] if isinstance(item, tuple) else item
        names += [field, f"{field}__exact", f"{field}__id__exact", f"{field}__isnull", f"{field}__in"]
    if model_admin.date_hierarchy:
        names += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day", "gte", "lt")]
    return names


def crawl_urls(value: str) -> list[str]:
    """Every route with ``value`` in its parameters and common query string, then each changelist filter alone."""
    urls = []
    for route in _routes(get_resolver()):
        path = "/" + route.replace("{}", value)
        urls.append(f"{path}?" + "&".join(f"{name}={value}" for name in COMMON_QUERY))
    for model, model_admin in admin.site._registry.items():
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        urls += [f"{changelist}?{name}={value}" for name in _filter_parameters(model_admin)]
        urls.append(f"{changelist}?{model_admin.date_hierarchy or 'pk'}__year={value}")
    return urls


@pytest.fixture
def users(client, make_applicant, superuser):  # noqa: F811
    """An anonymous visitor, a logged-in applicant and a superuser, each with their own client."""
    applicant, root = Client(), Client()
    applicant.force_login(make_applicant("crawler@example.org").account)
    root.force_login(superuser)
    return {"anonymous": Client(), "applicant": applicant, "superuser": root}


def test_crawling_every_url_with_invalid_text_gives_no_server_error(users):
    """Every URL pattern, admin changelist filter and custom admin page, as three users, answers below 500."""
    failures = []
    for value in INPUTS.values():
        urls = crawl_urls(value)
        assert len(urls) > 100  # the whole site, not a few pages
        for who, client in users.items():
            for url in urls:
                try:
                    status = client.get(url).status_code
                except Exception as exc:
                    status = f"{type(exc).__name__}: {str(exc)[:80]}"
                if status == 500 or not isinstance(status, int):
                    failures.append((who, url[:120], status))
    assert failures == []


@pytest.mark.parametrize(
    "url",
    [
        "/account/support/%00/",
        "/register/contacts/?return=%00",
        "/admin/workspace/supportrequest/?topic=%00",
        "/register/%ED%A0%80/",
        "/register/contacts/?return=%ED%A0%80",
        "/register/contacts/?x=%FF",
    ],
)
def test_nul_and_broken_utf8_in_the_url_get_the_translated_400_page(client, db, url):
    """A NUL or bytes that are not UTF-8 in the path or query string answer the site's 400 page, in Russian too."""
    client.cookies["django_language"] = "ru"
    response = client.get(url)
    assert response.status_code == 400
    with translation.override("ru"):
        assert translation.gettext("The request could not be understood") in response.content.decode()
    assert client.get(f"/register/?q={quote('Ташкент б')}").status_code in (200, 302)  # ordinary UTF-8 passes


# --- invisible characters in free text ---------------------------------------------------------------

RLO = "\u202e"


def _codes(form, field: str) -> list[str]:
    return [error.code for error in form.errors.as_data().get(field, [])]


@pytest.mark.parametrize(
    ("step", "field"),
    [
        (S.PERSONAL, "birth_place"),
        (S.IDENTITY_DOCUMENT, "issuing_authority"),
        (S.STAY_DOCUMENT, "issuing_authority"),
        (S.ADDRESS, "city"),
        (S.ADDRESS, "street"),
        (S.ADDRESS, "house"),
    ],
)
def test_wizard_free_text_refuses_a_right_to_left_override_on_its_field(wizard, step, field):
    """A right-to-left override in a wizard's free-text answer is refused with the rule's code on that field."""
    wizard.run_until(step)
    wizard.get(step)
    response = wizard.post(step, {**wizard.answers[step], field: f"Tash{RLO}kent"})
    assert response.status_code == 200
    assert "text_invisible_characters" in _codes(response.context["form"], field)
    fine = wizard.post(step, {**wizard.answers[step], field: "Ташкент-1, кв. 2/3"})
    assert field not in fine.context["form"].errors if fine.status_code == 200 else fine.status_code == 302


@pytest.mark.parametrize("character", ["\u200b", "\u2066", "\ufeff", "\u2028"])
def test_support_messages_refuse_invisible_characters(client, make_applicant, character):  # noqa: F811
    """The person's support request and reply refuse zero-width and direction characters on the message."""
    from registration.support.forms import SupportReplyForm

    client.force_login(make_applicant("writer@example.org").account)
    response = client.post(reverse("registration:support_new"), {"topic": "other", "body": f"Help{character} me"})
    assert response.status_code == 200
    assert _codes(response.context["form"], "body") == ["text_invisible_characters"]
    assert _codes(SupportReplyForm(data={"body": f"a{character}b"}), "body") == ["text_invisible_characters"]


@pytest.mark.parametrize(
    ("form_name", "field", "data"),
    [
        ("ReasonForm", "reason", {}),
        ("RequestDocumentsForm", "message", {}),
        ("SupportAnswerForm", "body", {}),
    ],
)
def test_clerks_typed_reasons_and_answers_refuse_invisible_characters(db, form_name, field, data):
    """What a clerk types for the person to read refuses a right-to-left override on that field."""
    from registration.workspace import forms as workspace_forms

    form = getattr(workspace_forms, form_name)(data={**data, field: f"ok{RLO}ko"})
    assert "text_invisible_characters" in _codes(form, field)


# --- over-long file names -------------------------------------------------------------------------


class _NamedBytes(io.BytesIO):
    """A file for the test client whose name is sent as is (Django's uploaded files cut names to 255)."""

    def __init__(self, name: str, content: bytes) -> None:
        super().__init__(content)
        self.name = name
        self.content_type = "image/png"


@pytest.mark.parametrize("name", ["a" * 996 + ".png", "я" * 200 + ".png"])
def test_a_file_name_over_255_bytes_is_a_field_error_and_the_form_is_kept(wizard, scan_bytes, name):
    """A 1 000-byte (or 400-byte Cyrillic) file name gets an error on the scan field; the other answers stay."""
    wizard.run_until(S.IDENTITY_DOCUMENT)
    wizard.get(S.IDENTITY_DOCUMENT)
    response = wizard.post(S.IDENTITY_DOCUMENT, files={"scan": _NamedBytes(name, scan_bytes["png"])})
    assert response.status_code == 200
    form = response.context["form"]
    assert _codes(form, "scan") == ["file_name_too_long"]
    assert list(form.errors) == ["scan"]
    assert form["number"].value() == wizard.answers[S.IDENTITY_DOCUMENT]["number"]
    renamed = wizard.post(S.IDENTITY_DOCUMENT, files={"scan": _NamedBytes("passport.png", scan_bytes["png"])})
    assert renamed.status_code == 302
