"""Finding the nearest service centre: text search, "near me" by distance, the results, and the choice."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from registration.identity import centres, flows
from registration.identity.models import ServiceCentre
from tests.registration.identity_fixtures import make_applicant

SEARCH = reverse("registration:centre_search")
METHOD_URL = reverse("registration:identity_method", args=["service_centre"])


@pytest.fixture
def places(db):
    """Three placed centres (Moscow, Kazan, Vladivostok) and one without coordinates."""
    made = {
        "tverskoy": ("MFC Tverskoy", "77", "Moscow", "Tverskaya 1", "125009", 55.7575, 37.6130),
        "kazan": ("MFC Vakhitovsky", "16", "Kazan", "Baumana 1", "420111", 55.7887, 49.1221),
        "vladivostok": ("MFC Frunzensky", "25", "Vladivostok", "Okeansky 1", "690091", 43.1155, 131.8855),
    }
    found = {
        key: ServiceCentre.objects.create(
            name=name,
            region=region,
            city=city,
            address=address,
            postcode=postcode,
            latitude=lat,
            longitude=lon,
            opening_hours="Mon–Sun 8:00–20:00",
        )
        for key, (name, region, city, address, postcode, lat, lon) in made.items()
    }
    found["unplaced"] = ServiceCentre.objects.create(name="MFC Arbat", region="77", city="Moscow", address="Arbat 1")
    ServiceCentre.objects.create(name="Closed", region="77", city="Moscow", address="Closed 1", is_active=False)
    return found


def test_haversine_gives_known_distances():
    """Moscow–Saint Petersburg is about 634 km; a point is 0 km from itself."""
    assert centres.haversine_km(55.7558, 37.6173, 59.9343, 30.3351) == pytest.approx(634, abs=5)
    assert centres.haversine_km(10, 20, 10, 20) == 0


def test_text_search_by_city_region_name_and_postcode(places):
    """A city, a region's name (Russian or English) or code, and a postcode all find the right centres."""
    names = lambda found: [f.centre.name for f in found]  # noqa: E731
    assert names(centres.search("kazan")) == ["MFC Vakhitovsky"]
    assert names(centres.search("Приморский")) == ["MFC Frunzensky"]
    assert names(centres.search("Primorsky Krai")) == ["MFC Frunzensky"]
    assert set(names(centres.search("77"))) == {"MFC Tverskoy", "MFC Arbat"}
    assert names(centres.search("690 091")) == ["MFC Frunzensky"]
    # Another postcode of the same region finds the region's centres; a closed centre never shows.
    assert names(centres.search("690000")) == ["MFC Frunzensky"]
    assert "Closed" not in names(centres.search("Moscow"))
    assert centres.search("Atlantis") == [] and centres.search("") == []


def test_near_me_sorts_by_distance_and_puts_unplaced_centres_last(places):
    """From Kazan's centre, the Kazan centre comes first (0 km), Moscow next, the unplaced one without a distance."""
    found = centres.search("", latitude=55.79, longitude=49.12)
    assert [f.centre.name for f in found][:3] == ["MFC Vakhitovsky", "MFC Tverskoy", "MFC Frunzensky"]
    assert found[0].distance_km < 1 and found[1].distance_km == pytest.approx(720, abs=15)
    assert found[-1].centre.name == "MFC Arbat" and found[-1].distance_km is None


def test_search_page_lists_distance_address_hours_and_chooses(client, settings, make_applicant, places):
    """The page (POST, never coordinates in a URL) shows each centre's distance, address and hours; the choice
    starts the service-centre method with that centre."""
    applicant = make_applicant()
    client.force_login(applicant.account)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post(SEARCH, {"q": "", "latitude": "55.76", "longitude": "37.61"}).content.decode()
    assert "Centres nearest to you" in page
    assert "km away" in page and "Tverskaya 1" in page and "Mon–Sun 8:00–20:00" in page
    assert page.index("MFC Tverskoy") < page.index("MFC Vakhitovsky") < page.index("MFC Frunzensky")
    response = client.post(METHOD_URL, {"action": "start", "start-centre": places["kazan"].pk})
    assert response.status_code == 302
    assert flows.current(applicant.account).centre == places["kazan"]


def test_search_page_without_query_or_position_says_what_to_type(client, settings, make_applicant, places):
    """Nothing typed and no position: an error on the search field, not an empty list or a 500."""
    applicant = make_applicant()
    client.force_login(applicant.account)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(SEARCH, {"q": ""})
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["q"]] == ["centre_query_required"]
    response = client.post(SEARCH, {"q": "", "latitude": "123", "longitude": "37"})
    assert response.context["form"].errors["latitude"]


def test_search_page_opens_with_the_centres_of_the_persons_region(client, make_applicant, places):
    """Before any search, the page lists the centres of the region of the person's address."""
    applicant = make_applicant()
    applicant.region = "16"
    applicant.save()
    client.force_login(applicant.account)
    response = client.get(SEARCH)
    assert [f.centre.name for f in response.context["results"]] == ["MFC Vakhitovsky"]


def test_method_page_has_the_search_and_near_me(client, make_applicant, places):
    """The method's page offers the text search (works without scripts) and the hidden "near me" button."""
    applicant = make_applicant()
    client.force_login(applicant.account)
    page = client.get(METHOD_URL).content.decode()
    assert f'action="{SEARCH}"' in page and 'class="button button-secondary centre-near-me" hidden' in page
    assert "js/centre-search.js" in page
    assert "<select" not in page


def test_search_needs_a_pending_log_in_and_csrf(client, make_applicant, places):
    """Anonymous visitors are sent to log in; a POST without the CSRF token is refused."""
    assert client.get(SEARCH).status_code == 302
    applicant = make_applicant()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(applicant.account)
    assert strict.post(SEARCH, {"q": "Kazan"}).status_code == 403
