"""What a result document says about its holder, from the account's confirmed data."""

from __future__ import annotations

from typing import Any

from registration.accounts.models import Account, DocumentRole
from validators import regions as vregions


def migration_office(region: str) -> str:
    """The issuing authority printed on a result: the migration office of the region (in Russian)."""
    name = vregions.name(region, "ru") if region and vregions.is_valid(region) else ""
    return (
        f"Управление по вопросам миграции МВД России — {name}"
        if name
        else "Главное управление по вопросам миграции МВД России"
    )


def holder_content(account: Account, *, region: str = "") -> dict[str, Any]:
    """The common keys of ``registration.documents.issuing.issue``'s content: names, birth, citizenship,
    identity document and the issuing authority."""
    applicant = getattr(account, "applicant", None)
    if applicant is None:
        return {
            "holder_latin": "",
            "holder_cyrillic": "",
            "birth_date": "",
            "citizenship": "",
            "identity_document": "",
            "authority": migration_office(region),
        }
    identity = applicant.documents.filter(role=DocumentRole.IDENTITY).order_by("-created_at").first()
    document = " ".join(part for part in (identity.series, identity.number) if part) if identity else ""
    return {
        "holder_latin": applicant.full_name_latin,
        "holder_cyrillic": applicant.full_name_cyrillic,
        "birth_date": applicant.birth_date.strftime("%d.%m.%Y"),
        "citizenship": str(applicant.citizenship),
        "identity_document": document,
        "authority": migration_office(region or applicant.region),
    }
