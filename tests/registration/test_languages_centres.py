"""Service centres in the page's language: translations, the Russian fallback, the cabinet, the receipt, the admin."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from registration.accounts.models import Account
from registration.identity import flows
from registration.identity.models import ServiceCentre, ServiceCentreTranslation
from tests.registration.identity_fixtures import make_applicant, role_user, superuser

METHOD_PAGE = reverse("registration:identity_method", args=["service_centre"])
RECEIPT = reverse("registration:identity_receipt")
SEARCH = reverse("registration:centre_search")


@pytest.fixture
def centre(db) -> ServiceCentre:
    centre = ServiceCentre.objects.create(
        name="МФЦ Тверской",
        region="77",
        city="Москва",
        address="ул. Тверская, д. 1",
        opening_hours="Пн–Вс 8:00–20:00",
        phone="+7 495 777-77-77",
    )
    # English without opening hours: those fall back to Russian.
    ServiceCentreTranslation.objects.create(
        centre=centre, language="en", name="Tverskoy service centre", city="Moscow", address="1 Tverskaya Street"
    )
    return centre


def _as_person(client, applicant, language: str) -> None:
    Account.objects.filter(pk=applicant.account_id).update(preferred_language=language)
    client.force_login(applicant.account)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def test_text_is_in_the_language_asked_with_russian_where_untranslated(centre):
    """Each field in the language asked, else the Russian field, each marked with the language it is in."""
    english = centre.text("en")
    assert (english.name, english.city, english.address) == ("Tverskoy service centre", "Moscow", "1 Tverskaya Street")
    assert (english.name.lang, english.opening_hours, english.opening_hours.lang) == ("en", "Пн–Вс 8:00–20:00", "ru")
    russian = centre.text("ru")
    assert (russian.name, russian.name.lang) == ("МФЦ Тверской", "ru")
    assert centre.text("en-gb").name == "Tverskoy service centre"  # a regional variant finds its language
    with translation.override("en"):
        assert centre.local.address == "1 Tverskaya Street"
        assert centre.label() == "Tverskoy service centre, Moscow"
    with translation.override("ru"):
        assert centre.label() == "МФЦ Тверской, Москва"


def test_blank_translation_falls_back_and_untranslated_centre_reads_russian(centre):
    """A translated field left blank (spaces) shows the Russian; a centre with no translation is all Russian."""
    ServiceCentreTranslation.objects.filter(centre=centre).update(name="   ")
    fresh = ServiceCentre.objects.get(pk=centre.pk)
    assert fresh.text("en").name == "МФЦ Тверской" and fresh.text("en").city == "Moscow"
    other = ServiceCentre.objects.create(name="МФЦ Центральный", region="78", city="Санкт-Петербург", address="А")
    assert other.text("en").name == "МФЦ Центральный" and other.text("en").name.lang == "ru"


def test_one_translation_per_centre_and_language(centre):
    """The database refuses a second English row for one centre."""
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceCentreTranslation.objects.create(centre=centre, language="en", name="Another name")


def test_translation_languages_follow_the_site_languages(centre, settings):
    """The languages offered for a translation are the site's languages other than Russian."""
    field = ServiceCentreTranslation._meta.get_field("language")
    assert [code for code, _ in field.choices] == [code for code, _ in settings.LANGUAGES if code != "ru"]
    settings.LANGUAGES = [("ru", "Russian"), ("en", "English"), ("uz", "Uzbek")]
    assert [code for code, _ in ServiceCentreTranslation._meta.get_field("language").choices] == ["en", "uz"]


def test_cabinet_lists_centres_in_english_with_russian_fallback_marked(client, make_applicant, centre):
    """An English-speaking person sees the English name, city and address; the Russian hours carry lang="ru"."""
    applicant = make_applicant()
    _as_person(client, applicant, "en")
    flows.open_confirmation(applicant.account, "service_centre", centre=centre)
    page = client.get(METHOD_PAGE).content.decode()
    assert '<strong lang="en">Tverskoy service centre</strong>' in page
    assert '<span lang="en">1 Tverskaya Street</span>' in page
    assert '<span class="hint" lang="ru">Пн–Вс 8:00–20:00</span>' in page
    assert "МФЦ Тверской" not in page


def test_centre_search_in_russian_shows_the_russian_data(client, make_applicant, centre):
    """The same centre found in Russian shows its own fields."""
    applicant = make_applicant()
    _as_person(client, applicant, "ru")
    page = client.post(SEARCH, {"q": "Москва"}).content.decode()
    assert "МФЦ Тверской" in page and "ул. Тверская, д. 1" in page
    assert "Tverskoy service centre" not in page


def test_centre_search_reads_in_the_persons_language(client, make_applicant, centre):
    """Found by the city as English writes it, the centre reads in English (Russian where untranslated)."""
    applicant = make_applicant()
    _as_person(client, applicant, "en")
    page = client.post(SEARCH, {"q": "Moscow"}).content.decode()
    assert f'value="{centre.pk}"' in page
    assert '<strong lang="en">Tverskoy service centre</strong>' in page
    assert '<span lang="en">1 Tverskaya Street</span>' in page
    assert '<span lang="ru">Пн–Вс 8:00–20:00</span>' in page
    assert "МФЦ Тверской" not in page


def test_centre_search_reads_translations_in_one_query(client, make_applicant, centre):
    """Translations are prefetched: ten more centres found cost no more queries than one."""
    applicant = make_applicant()
    _as_person(client, applicant, "en")
    client.post(SEARCH, {"q": "Москва"})
    with CaptureQueriesContext(connection) as one:
        client.post(SEARCH, {"q": "Москва"})
    for n in range(10):
        more = ServiceCentre.objects.create(name=f"МФЦ {n}", region="77", city="Москва", address="А")
        ServiceCentreTranslation.objects.create(centre=more, language="en", name=f"Centre {n}")
    with CaptureQueriesContext(connection) as eleven:
        page = client.post(SEARCH, {"q": "Москва"}).content.decode()
    assert "Centre 9" in page
    assert len(eleven) == len(one)


def test_receipt_shows_the_centre_in_the_persons_language(client, make_applicant, centre):
    """The printable receipt names the chosen centre, its address and hours, in English where translated."""
    applicant = make_applicant()
    _as_person(client, applicant, "en")
    flows.open_confirmation(applicant.account, "service_centre", centre=centre)
    page = client.get(RECEIPT).content.decode()
    assert '<html lang="en"' in page
    assert "Receipt for the service centre" in page
    assert '<dd lang="en">Tverskoy service centre</dd>' in page
    assert '<span lang="en">Moscow</span>, <span lang="en">1 Tverskaya Street</span>' in page
    assert "Opening hours" in page and '<dd lang="ru">Пн–Вс 8:00–20:00</dd>' in page
    assert "+7 495 777-77-77" in page
    assert applicant.application_number in page


def test_receipt_follows_the_persons_language_not_the_cookie(client, make_applicant, centre):
    """A Russian cookie left on the device does not turn an English-speaking person's receipt Russian."""
    applicant = make_applicant()
    _as_person(client, applicant, "en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    flows.open_confirmation(applicant.account, "service_centre", centre=centre)
    page = client.get(RECEIPT).content.decode()
    assert "Receipt for the service centre" in page and "Tverskoy service centre" in page


def test_receipt_in_russian(client, make_applicant, centre):
    """In Russian the receipt shows the centre's own data."""
    applicant = make_applicant()
    _as_person(client, applicant, "ru")
    flows.open_confirmation(applicant.account, "service_centre", centre=centre)
    page = client.get(RECEIPT).content.decode()
    assert '<dd lang="ru">МФЦ Тверской</dd>' in page and "Tverskoy" not in page


def test_superuser_adds_a_translation_in_the_admin(client, superuser, centre):
    """The centre's admin page carries one inline per other language; saving it stores the translation."""
    client.force_login(superuser)
    url = reverse("admin:identity_servicecentre_change", args=[centre.pk])
    page = client.get(url).content.decode()
    assert 'name="translations-0-language"' in page and 'name="translations-0-opening_hours"' in page
    row = ServiceCentreTranslation.objects.get(centre=centre)
    data = {
        "name": centre.name,
        "region": centre.region,
        "city": centre.city,
        "address": centre.address,
        "opening_hours": centre.opening_hours,
        "phone": centre.phone,
        "is_active": "on",
        "translations-TOTAL_FORMS": "1",
        "translations-INITIAL_FORMS": "1",
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1",
        "translations-0-id": str(row.pk),
        "translations-0-centre": str(centre.pk),
        "translations-0-language": "en",
        "translations-0-name": "Tverskoy service centre",
        "translations-0-city": "Moscow",
        "translations-0-address": "1 Tverskaya Street",
        "translations-0-opening_hours": "Mon–Sun 8:00–20:00",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ServiceCentre.objects.get(pk=centre.pk).text("en").opening_hours == "Mon–Sun 8:00–20:00"


def test_admin_refuses_a_language_the_site_does_not_speak(client, superuser, centre):
    """A translation into a language outside settings.LANGUAGES (or into Russian) is a field error, not a row."""
    client.force_login(superuser)
    ServiceCentreTranslation.objects.filter(centre=centre).delete()
    url = reverse("admin:identity_servicecentre_change", args=[centre.pk])
    data = {
        "name": centre.name,
        "region": centre.region,
        "city": centre.city,
        "address": centre.address,
        "is_active": "on",
        "translations-TOTAL_FORMS": "1",
        "translations-INITIAL_FORMS": "0",
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1",
        "translations-0-centre": str(centre.pk),
        "translations-0-language": "ru",
        "translations-0-name": "Tverskoy",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert not ServiceCentreTranslation.objects.filter(centre=centre).exists()


def test_clerk_sees_a_centres_translations_without_changing_them(client, role_user, centre):
    """A service-centre clerk may view centres (their role): the translations show, read-only."""
    client.force_login(role_user("clerk"))
    response = client.get(reverse("admin:identity_servicecentre_change", args=[centre.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tverskoy service centre" in page and 'name="translations-0-name"' not in page


def test_demo_centres_have_english(db, capsys):
    """The demo data's centres read in English for English-speaking people."""
    call_command("load_demo_data")
    call_command("load_demo_data")  # again: no second translation row
    capsys.readouterr()
    centres = list(ServiceCentre.objects.all())
    assert centres and all(centre.text("en").name.lang == "en" for centre in centres)
    assert all(centre.text("en").opening_hours.lang == "en" for centre in centres)
    assert ServiceCentreTranslation.objects.count() == len(centres)
    # Some demo people read English, so that their letters, e-mails and pages show it.
    assert Account.objects.get(email="applicant.post@example.org").language == "en"
    assert Account.objects.get(email="applicant.centre@example.org").language == "ru"
