"""The person's documents in the cabinet: the list, and each PDF for its owner alone."""

from __future__ import annotations

import io

import pypdf
from django.urls import reverse

from tests.registration.documents_fixtures import issue_document  # noqa: F401


def pdf_url(document) -> str:
    return reverse("registration:issued_document_pdf", args=[document.pk])


def test_the_list_shows_the_persons_documents_only(client, issue_document, make_account):  # noqa: F811
    person = make_account()
    mine = issue_document(account=person)
    permit = issue_document("residence_permit", account=person)
    someone_elses = issue_document()
    client.force_login(person)
    client.cookies["portal_language"] = "en"
    page = client.get(reverse("registration:issued_documents")).content.decode()
    assert mine.number in page and permit.number in page and someone_elses.number not in page
    assert pdf_url(mine) in page and pdf_url(someone_elses) not in page
    assert "Notice of registration at the place of stay" in page


def test_an_empty_list_says_so(client, make_account):
    client.force_login(make_account())
    client.cookies["portal_language"] = "en"
    page = client.get(reverse("registration:issued_documents")).content.decode()
    assert "You have no documents yet." in page


def test_the_owner_downloads_the_pdf_with_the_check_page_in_its_qr_line(client, issue_document):  # noqa: F811
    document = issue_document(language="en")
    client.force_login(document.account)
    response = client.get(pdf_url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{document.number}.pdf"'
    assert "no-store" in response["Cache-Control"]
    text = " ".join(pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert document.number in text and "KARIMOV ALISHER" in text
    assert f"http://testserver/check/{document.check_token}/" in text


def test_anyone_else_gets_404_and_the_anonymous_the_log_in(client, issue_document, make_account):  # noqa: F811
    document = issue_document()
    anonymous = client.get(pdf_url(document))
    assert anonymous.status_code == 302 and reverse("registration:login") in anonymous["Location"]
    client.force_login(make_account())
    assert client.get(pdf_url(document)).status_code == 404
    assert client.get(reverse("registration:issued_document_pdf", args=[document.pk + 1000])).status_code == 404


def test_a_confirmed_account_finds_its_documents_from_the_cabinet(client, make_account):
    person = make_account(status="active")
    client.force_login(person)
    page = client.get(reverse("registration:cabinet")).content.decode()
    assert reverse("registration:issued_documents") in page
