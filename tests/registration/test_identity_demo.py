"""Demo data: staff for every role and one pending application per identity method."""

from __future__ import annotations

from django.core.management import call_command

from registration.accounts.models import Account
from registration.identity import registry
from registration.identity.models import OPEN_STATES, IdentityConfirmation, PostLetter, VideoSlot


def _logins(out: str) -> dict[str, str]:
    lines = [line.split() for line in out.splitlines() if "@example.org" in line]
    return {parts[-2]: parts[-1] for parts in lines}


def test_demo_has_one_pending_application_per_method(db, capsys):
    """Each registered method has a pending demo applicant who chose it, and they can log in."""
    call_command("load_demo_data")
    call_command("load_demo_data")
    logins = _logins(capsys.readouterr().out)
    open_methods = set(IdentityConfirmation.objects.filter(state__in=OPEN_STATES).values_list("method", flat=True))
    assert open_methods == {method.code for method in registry.all_methods()}
    assert IdentityConfirmation.objects.filter(state__in=OPEN_STATES).count() == len(registry.all_methods())
    for confirmation in IdentityConfirmation.objects.select_related("account"):
        assert confirmation.account.status == "pending"
        assert confirmation.account.check_password(logins[confirmation.account.email])
    assert PostLetter.objects.filter(state="pending").count() == 1
    assert VideoSlot.objects.filter(booked_for__isnull=False).count() == 1
    assert VideoSlot.objects.filter(booked_for__isnull=True).count() >= 4


def test_demo_staff_belong_to_their_roles(db, capsys):
    """The demo staff log in with the printed passwords and hold their role's permission."""
    call_command("load_demo_data")
    logins = _logins(capsys.readouterr().out)
    expected = {
        "clerk@example.org": "identity.confirm_identity",
        "post@example.org": "identity.print_post_letters",
        "video@example.org": "identity.conduct_video_calls",
        "consul@example.org": "identity.issue_consulate_code",
        "support@example.org": "identity.answer_support",
    }
    for email, permission in expected.items():
        account = Account.objects.get(email=email)
        assert account.is_staff and account.check_password(logins[email])
        assert account.has_perm(permission)
