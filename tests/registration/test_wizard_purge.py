"""`manage.py purge_wizard_files --older-than HOURS` removes abandoned uploads and codes, nothing else."""

from __future__ import annotations

import io
import os
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from registration.codes import contact as codes
from registration.codes.models import CodePurpose, OneTimeCode
from registration.onboarding import steps as S
from registration.onboarding.models import SavedDraft


def age(storage, name: str, hours: float) -> None:
    path = storage.path(name)
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_old_uploads_are_removed_and_recent_ones_kept(wizard_storage, db):
    """Files older than the limit go; younger files and files outside the drafts folder stay."""
    old = wizard_storage.save("drafts/old.png", ContentFile(b"old"))
    recent = wizard_storage.save("drafts/recent.png", ContentFile(b"new"))
    other = wizard_storage.save("elsewhere/keep.png", ContentFile(b"keep"))
    age(wizard_storage, old, 30)
    age(wizard_storage, other, 30)
    out = io.StringIO()
    call_command("purge_wizard_files", "--older-than", "24", stdout=out, stderr=io.StringIO())
    assert not wizard_storage.exists(old)
    assert wizard_storage.exists(recent) and wizard_storage.exists(other)
    assert "Deleted 1 temporary upload(s)" in out.getvalue()


def test_dry_run_deletes_nothing(wizard_storage, db):
    """--dry-run only counts."""
    old = wizard_storage.save("drafts/old.png", ContentFile(b"old"))
    age(wizard_storage, old, 48)
    out = io.StringIO()
    call_command("purge_wizard_files", "--older-than", "24", "--dry-run", stdout=out, stderr=io.StringIO())
    assert wizard_storage.exists(old) and "Would delete 1" in out.getvalue()


def test_abandoned_drafts_codes_are_removed(db):
    """Draft codes older than the limit and expired log-in codes are deleted; fresh ones stay."""
    codes.send_code(CodePurpose.PHONE, "old-draft", "+79161234567")
    codes.send_code(CodePurpose.PHONE, "new-draft", "+79161234568")
    codes.send_code(CodePurpose.LOGIN, "account:1", "+79161234569")
    OneTimeCode.objects.filter(subject="old-draft").update(created_at=timezone.now() - timedelta(hours=30))
    OneTimeCode.objects.filter(subject="account:1").update(expires_at=timezone.now() - timedelta(minutes=1))
    call_command("purge_wizard_files", "--older-than", "24", stdout=io.StringIO(), stderr=io.StringIO())
    assert list(OneTimeCode.objects.values_list("subject", flat=True)) == ["new-draft"]


def test_a_draft_whose_scan_was_purged_asks_for_it_again(wizard, wizard_storage):
    """After its uploads are purged, the check page sends the person back to upload the scan again."""
    wizard.run_until(S.CHECK)
    for name in wizard_storage.listdir("drafts")[1]:
        age(wizard_storage, f"drafts/{name}", 48)
    # The copy kept on the server keeps the uploads while it lives; past its time it goes with them.
    call_command("purge_wizard_files", "--older-than", "24", stdout=io.StringIO(), stderr=io.StringIO())
    assert len(wizard_storage.listdir("drafts")[1]) == 2
    SavedDraft.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    out = io.StringIO()
    call_command("purge_wizard_files", "--older-than", "24", stdout=out, stderr=io.StringIO())
    assert "1 saved draft(s) past their time with 2 upload(s)" in out.getvalue()
    assert wizard_storage.listdir("drafts")[1] == [] and not SavedDraft.objects.exists()
    assert wizard.get(S.CHECK)["Location"] == wizard.url(S.IDENTITY_DOCUMENT) + "?return=check"
    page = wizard.get(S.IDENTITY_DOCUMENT, query="?return=check")
    assert page.status_code == 200 and page.context["stored_files"] == {}
    response = wizard.post(S.IDENTITY_DOCUMENT, files={}, query="?return=check")
    assert [e.code for e in response.context["form"].errors.as_data()["scan"]] == ["required"]
    response = wizard.post(S.IDENTITY_DOCUMENT, query="?return=check")
    assert response["Location"] == wizard.url(S.CHECK)
    assert wizard.get(S.CHECK)["Location"] == wizard.url(S.STAY_DOCUMENT) + "?return=check"


def test_short_age_warns_about_live_drafts(wizard_storage, db):
    """A limit shorter than the session lifetime is allowed but warned about; a negative one is refused."""
    err = io.StringIO()
    call_command("purge_wizard_files", "--older-than", "1", stdout=io.StringIO(), stderr=err)
    assert "SESSION_COOKIE_AGE" in err.getvalue()
    with pytest.raises(CommandError):
        call_command("purge_wizard_files", "--older-than", "-1", stdout=io.StringIO(), stderr=io.StringIO())
