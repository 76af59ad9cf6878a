"""The profile pages, included under ``account/profile/`` in the ``registration`` namespace."""

from django.urls import path

from registration.cabinet import scans
from registration.cabinet.profile import views

urlpatterns = [
    path("", views.overview, name="profile"),
    path("contact/<slug:kind>/", views.contact, name="profile_contact"),
    path("contact/<slug:kind>/code/", views.contact_code, name="profile_contact_code"),
    path("personal/", views.personal, name="profile_personal"),
    path("document/", views.document, name="profile_document"),
    path("address/", views.address, name="profile_address"),
    path("identifiers/", views.identifiers, name="profile_identifiers"),
    path("changes/<int:pk>/scan/", scans.scan, {"kind": "change"}, name="profile_change_scan"),
]
