"""Issued documents for the documents' tests: a stay notice and a residence-permit decision."""

from __future__ import annotations

import datetime

import pytest

from registration.documents import issuing
from registration.documents.management.commands.render_document_png import SAMPLES
from registration.documents.models import DocumentKind

# The command's samples (made-up people and numbers) are what the documents' tests issue.
STAY_CONTENT = SAMPLES[DocumentKind.STAY_NOTICE]
PERMIT_CONTENT = SAMPLES[DocumentKind.RESIDENCE_PERMIT]
FROM, UNTIL = datetime.date(2026, 12, 1), datetime.date(2027, 2, 28)


@pytest.fixture
def issue_document(make_account):
    """Issue a document (a stay notice by default) to a new account or the one given."""

    def factory(kind="stay_notice", *, account=None, language="ru", content=None, **dates):
        return issuing.issue(
            account or make_account(),
            kind,
            valid_from=dates.get("valid_from", FROM),
            valid_until=dates.get("valid_until", UNTIL if kind == "stay_notice" else None),
            content=content if content is not None else (STAY_CONTENT if kind == "stay_notice" else PERMIT_CONTENT),
            language=language,
        )

    return factory
