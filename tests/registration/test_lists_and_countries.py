"""Lists in the person's language: country names from CLDR, every list in the language's alphabetical order,
the stateless person's citizenship and documents, phones typed without their country code."""

from __future__ import annotations

import pytest
from django.utils import translation
from django_countries.fields import Country

from registration.core import collation, countries
from registration.onboarding import steps as S
from registration.onboarding.forms import AddressForm, ContactsForm, IdentityDocumentForm, PersonalForm
from tests.registration.identity_fixtures import make_applicant  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def labels(language: str) -> list[str]:
    return [name for _, name in countries.choices(language)]


def test_russian_country_list_is_in_russian_alphabetical_order():
    """Узбекистан comes among the У, Кот-д'Ивуар among the К, Чад after the Ц: not English order."""
    names = labels("ru")
    assert names[0] == "Лицо без гражданства"
    countries_only = names[1:]
    keys = [collation.sort_key(name, "ru") for name in countries_only]
    assert keys == sorted(keys)
    assert countries_only.index("Уганда") < countries_only.index("Узбекистан") < countries_only.index("Украина")
    assert countries_only.index("Тунис") < countries_only.index("Узбекистан")
    assert countries_only.index("Коста-Рика") < countries_only.index("Кот-д’Ивуар") < countries_only.index("Куба")
    assert countries_only.index("Центрально-Африканская Республика") < countries_only.index("Чад")
    assert countries_only.index("Китай") < countries_only.index("Колумбия")
    assert countries_only[-1] == "Япония"
    # Names of several words: word by word, a space or hyphen before any letter.
    order = ["Самоа", "Сан-Марино", "Сан-Томе и Принсипи", "Саудовская Аравия"]
    assert [countries_only.index(name) for name in order] == sorted(countries_only.index(name) for name in order)
    assert countries_only.index("Новая Зеландия") < countries_only.index("Новая Каледония")
    assert countries_only.index("Остров Рождества") < countries_only.index("Острова Кука")


def test_russian_names_are_the_nominative_official_forms():
    """The wrong forms of django-countries' catalogue are gone; CLDR's abbreviations are spelled out."""
    names = set(labels("ru"))
    for wrong in ("Либерии", "Мьянмы", "Новой Каледонии", "Сан - Марино", "Naoero", "Мьянма (Бирма)"):
        assert wrong not in names
    for right in ("Либерия", "Мьянма", "Новая Каледония", "Сан-Марино", "Науру", "Узбекистан", "Острова Кука"):
        assert right in names
    assert not [name for name in names if "о-в" in name or " - " in name]
    assert len(names) == 250  # ISO 3166-1's 249 and statelessness


def test_english_names_and_order():
    """English: no "St." or "&", and accents do not push a name out of its letter."""
    names = labels("en")
    assert names[0] == "Stateless person"
    assert names.index("Costa Rica") < names.index("Côte d’Ivoire") < names.index("Croatia")
    assert "Saint Lucia" in names and "Bosnia and Herzegovina" in names and "Myanmar" in names
    assert not [name for name in names if "&" in name or "St. " in name]


def test_collation_puts_yo_after_ye_and_the_languages_own_script_first():
    """Ё sorts with Е, not after Я; in Russian Cyrillic names come before Latin ones, in English after."""
    assert collation.collate(["Яма", "Ёж", "Abc", "Еда", "Жук"], "ru") == ["Еда", "Ёж", "Жук", "Яма", "Abc"]
    assert collation.collate(["Ель", "ель"], "ru") == ["ель", "Ель"]  # case decides only between equal letters
    assert collation.collate(["Яма", "Abc"], "en") == ["Abc", "Яма"]
    assert collation.collate_choices([("2", "Б"), ("1", "А")], "ru") == [("1", "А"), ("2", "Б")]


def test_every_country_field_shows_the_same_names():
    """A CountryField's name (the cabinet, the clerks' pages) comes from the same source, in the active language."""
    with translation.override("ru"):
        assert Country("LR").name == "Либерия"
        assert Country("NR").name == "Науру"
        assert Country("XX").name == "Лицо без гражданства"
    with translation.override("en"):
        assert Country("XX").name == "Stateless person"
    assert Country("XX").alpha3 == "XXA"
    assert countries.alpha3("UZ") == "UZB" and countries.alpha3("QQ") == ""


def test_the_citizenship_select_renders_the_sorted_list(client):
    """The personal step's select: a placeholder, statelessness, then the countries in order."""
    with translation.override("ru"):
        html = PersonalForm()["citizenship"].as_widget()
    assert html.index('value="XX"') < html.index('value="AU"') < html.index('value="UZ"') < html.index('value="JP"')
    assert ">Лицо без гражданства<" in html


def test_regions_are_sorted_by_name_in_the_language():
    """The address step's regions: alphabetical by name, codes as values, any region still accepted."""
    with translation.override("ru"):
        choices = AddressForm().fields["region"].choices
        assert choices[1] == ("22", "Алтайский край")
        names = [label for _, label in choices[1:]]
        assert names.index("Москва") < names.index("Московская область") < names.index("Мурманская область")
        assert len(names) == 89
    with translation.override("en"):
        assert AddressForm().fields["region"].choices[1][1].startswith("A")


def test_a_stateless_person_is_offered_a_stateless_persons_documents():
    """Citizenship XX: the identity documents of 115-FZ art. 10, never a national passport."""
    form = IdentityDocumentForm(personal={"citizenship": "XX"})
    kinds = [kind for kind, _ in form.fields["kind"].choices]
    assert kinds == [
        "stateless_travel_document",
        "stateless_residence_permit",
        "stateless_temporary_residence",
        "stateless_identity_card",
        "other_identity",
    ]
    citizen = IdentityDocumentForm(personal={"citizenship": "UZ"})
    assert [kind for kind, _ in citizen.fields["kind"].choices] == ["foreign_passport", "other_identity"]


@pytest.mark.parametrize(
    ("kind", "number", "code"),
    [
        ("stateless_residence_permit", "82 № 1234567", None),
        ("stateless_residence_permit", "1234567", "stateless_document_number"),
        ("stateless_travel_document", "XA1234567", None),
        ("stateless_travel_document", "XA12345678", "stateless_document_number"),
        ("stateless_temporary_residence", "821234567", None),
        ("stateless_identity_card", "12345678901234", "stateless_document_number"),
        ("foreign_passport", "FA1234567", "invalid_choice"),
    ],
)
def test_stateless_document_numbers(kind, number, code):
    """Each stateless person's document has its number rule; a national passport is not among the choices."""
    form = IdentityDocumentForm(data={"kind": kind, "number": number}, personal={"citizenship": "XX"})
    form.is_valid()
    found = [error.code for error in form.errors.as_data().get("number", [])]
    found += [error.code for error in form.errors.as_data().get("kind", [])]
    assert found == ([code] if code else [])


def test_a_stateless_persons_zone_says_xxa():
    """The zone's nationality XXA agrees with the stateless citizenship; a country's code does not."""
    form = IdentityDocumentForm(personal={"citizenship": "XX"})
    zone = type("Zone", (), {"document_number": "", "expiry_date": None, "birth_date": None, "surname": ""})
    zone.nationality = "XXA"
    form.cleaned_data = {}
    form._cross_check(zone, {})
    assert not form.errors
    zone.nationality = "UZB"
    form._cross_check(zone, {})
    assert [error.code for error in form.errors.as_data()["mrz"]] == ["mrz_mismatch_nationality"]


@pytest.mark.parametrize("nationality", ["XXB", "XXC", "XXX"])
def test_a_refugees_travel_document_states_no_nationality(nationality):
    """A refugee's travel document (ICAO XXB, XXC) or an unspecified nationality (XXX) is no mismatch."""
    form = IdentityDocumentForm(personal={"citizenship": "AF"})
    zone = type("Zone", (), {"document_number": "", "expiry_date": None, "birth_date": None, "surname": ""})
    zone.nationality = nationality
    form.cleaned_data = {}
    form._cross_check(zone, {})
    assert not form.errors


def test_the_passport_error_names_the_country_in_the_language():
    """ "A passport number of UZ" is gone: the country's name, in the page's language."""
    data = {
        "kind": "foreign_passport",
        "number": "FA123",
        "issue_date": "01.02.2020",
        "expiry_date": "01.02.2040",
        "issuing_authority": "MVD",
    }
    with translation.override("ru"):
        form = IdentityDocumentForm(data=data, personal={"citizenship": "UZ"})
        form.is_valid()
        assert form.errors["number"] == [
            "Номер не похож на номер паспорта выбранной страны (Узбекистан: например, FA1234567). Проверьте номер."
        ]


def test_contacts_read_a_local_number_of_the_citizenship():
    """Once the citizenship is known, 90 123 45 67 is an Uzbek number; a short one asks for +998 by name."""
    data = {"email": "anna@example.org", "phone": "90 123 45 67"}
    form = ContactsForm(data=data, citizenship="UZ")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+998901234567"
    with translation.override("ru"):
        short = ContactsForm(data={**data, "phone": "90 123 45"}, citizenship="UZ")
        assert not short.is_valid()
        assert short.errors["phone"] == ["Добавьте в начало номера код страны: +998 (Узбекистан)."]
    stateless = ContactsForm(data={**data, "phone": "916 123 45 67"}, citizenship="XX")
    assert stateless.is_valid() and stateless.cleaned_data["phone"] == "+79161234567"


def test_the_wizard_keeps_the_number_as_read_and_reads_it_with_the_citizenship(wizard):
    """A local number typed at the contacts step is stored in E.164; back from the check page, the citizenship helps."""
    wizard.answers[S.CONTACTS]["phone"] = "8 916 123-45-67"
    wizard.run_until(S.CHECK)
    assert wizard.get(S.CHECK).status_code == 200
    response = wizard.get(S.CONTACTS)
    assert response.context["form"]["phone"].value() == "+79161234567"
    response = wizard.post(S.CONTACTS, {"email": "anna@example.org", "phone": "90 123 45"}, query="?return=check")
    assert [e.code for e in response.context["form"].errors.as_data()["phone"]] == ["phone_needs_country_code"]


def test_profile_phone_change_reads_the_persons_country(make_applicant):  # noqa: F811
    """The cabinet's phone change reads a local number as one of the person's citizenship."""
    from registration.cabinet.profile.forms import PhoneChangeForm

    account = make_applicant(citizenship="TJ").account
    form = PhoneChangeForm(data={"address": "93 123 4567", "password": "x"}, account=account)
    form.is_valid()
    assert "address" not in form.errors
    assert form.cleaned_data["address"] == "+992931234567"
    with translation.override("ru"):
        short = PhoneChangeForm(data={"address": "93 123", "password": "x"}, account=account)
        short.is_valid()
        assert short.errors["address"] == ["Добавьте в начало номера код страны: +992 (Таджикистан)."]


def test_service_centres_are_listed_by_city_then_name_in_the_alphabet():
    """The centre list follows the alphabet (Ё with Е), not the region codes or the database's byte order."""
    from registration.identity.models import ServiceCentre
    from registration.identity.service_centre import CentreForm

    ServiceCentre.objects.all().delete()
    for region, city, name in [
        ("76", "Ярославль", "МФЦ Центральный"),
        ("66", "Екатеринбург", "МФЦ Южный"),
        ("66", "Екатеринбург", "МФЦ Ёлочка"),
        ("30", "Астрахань", "МФЦ Речной"),
    ]:
        ServiceCentre.objects.create(region=region, city=city, name=name, address="ул. Ленина, 1")
    with translation.override("ru"):
        labels = [str(label) for _, label in CentreForm().fields["centre"].choices]
    assert labels[1:] == [
        "МФЦ Речной, Астрахань",
        "МФЦ Ёлочка, Екатеринбург",
        "МФЦ Южный, Екатеринбург",
        "МФЦ Центральный, Ярославль",
    ]
