"""The validated steps turned into the plain data that :func:`submit_application` takes."""

from __future__ import annotations

from typing import Any

from registration.accounts.models import DocumentRole
from registration.onboarding import forms
from registration.onboarding import steps as S
from registration.onboarding import submit as services


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
    if identity.get("needs_translation") and identity.get("translation_scan"):
        # Stored like the other scans (private storage, encrypted details), beside the document it translates.
        documents.append(
            services.DocumentData(
                role=DocumentRole.TRANSLATION,
                kind=identity["kind"],
                country=personal["citizenship"],
                number="",
                scan=_scan(identity["translation_scan"]),
            )
        )
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
