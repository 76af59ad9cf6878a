"""Letter by post: a 10-character code (Crockford base 32) sent to the post office the person names.

The person asks for a letter; post operators print the waiting letters and mark them sent; the person
collects the letter and types the code. Limits: a code is valid 30 days; at most 3 letters in 30 days
and 24 hours between letters; at most 5 wrong entries in 10 minutes (each a setting, see ``conf``).
The code is generated when the letter is printed (see ``PostLetter`` for why).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from django import forms
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts import audit
from registration.accounts.models import Account
from registration.codes import service
from registration.codes.models import CodePurpose
from registration.core.form_messages import RequiredMessagesMixin
from registration.identity import conf, flows
from registration.identity.base import IdentityError
from registration.identity.codes import CodeEntryMethod
from registration.identity.models import (
    ConfirmationState,
    IdentityConfirmation,
    LetterState,
    PostLetter,
)
from validators.django import PostcodeField

RATE_ACTION = "post_letter_code"

audit.register_actions(
    {
        "post_letter.requested": _("Post letter requested"),
        "post_letter.printed": _("Post letter printed"),
        "post_letter.sent": _("Post letter sent"),
    }
)


class PostOfficeForm(RequiredMessagesMixin, forms.Form):
    required_messages = {
        "postcode": _("Enter the postal code of the post office."),
        "address": _("Enter the address of the post office."),
    }

    postcode = PostcodeField(
        label=_("Postal code of the post office"),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric", "class": "input-short"}),
    )
    address = forms.CharField(
        label=_("Address of the post office"),
        max_length=300,
        help_text=_("The post office where you will collect the letter, for example: Moscow, Tverskaya st., 7."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )


class LetterCodeForm(RequiredMessagesMixin, forms.Form):
    required_messages = {
        "code": _("Enter the code from the letter."),
    }

    code = forms.CharField(
        label=_("Code from the letter"),
        max_length=20,
        help_text=_("10 characters: letters and digits."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


def letter_subject(letter_pk: int) -> str:
    """Each letter's code has the letter as its subject, so that every letter sent stays valid."""
    return f"letter:{letter_pk}"


def letter_subjects(account: Account) -> list[str]:
    pks = PostLetter.objects.filter(account=account, code__isnull=False).values_list("pk", flat=True)
    return [letter_subject(pk) for pk in pks]


@dataclass(frozen=True)
class LetterAllowance:
    allowed: bool
    error: str = ""
    next_at: datetime | None = None


def allowance(account: Account) -> LetterAllowance:
    """Whether the person may ask for a letter now, and if not, why and from when."""
    now = timezone.now()
    recent = list(
        PostLetter.objects.filter(account=account, requested_at__gt=now - conf.post_letter_period())
        .order_by("requested_at")
        .values_list("requested_at", flat=True)
    )
    if len(recent) >= conf.post_letters_per_period():
        oldest_counted = recent[len(recent) - conf.post_letters_per_period()]
        return LetterAllowance(False, "letter_limit", oldest_counted + conf.post_letter_period())
    if recent and recent[-1] > now - conf.post_letter_interval():
        return LetterAllowance(False, "letter_too_soon", recent[-1] + conf.post_letter_interval())
    return LetterAllowance(True)


class PostLetterMethod(CodeEntryMethod):
    code = "post_letter"
    code_purpose = CodePurpose.POST_LETTER
    rate_action = RATE_ACTION
    label = _("Letter by post")
    description = _(
        "We send a letter with a code to the post office you choose. Collect it with your passport and "
        "type the code here. The code is valid for 30 days."
    )
    template_name = "cabinet/identity/post_letter.html"
    person_forms: ClassVar[Mapping[str, type[forms.Form]]] = {"start": PostOfficeForm, "complete": LetterCodeForm}

    def start(
        self,
        account: Account,
        *,
        request: HttpRequest | None = None,
        postcode: str = "",
        address: str = "",
        **data: Any,
    ) -> IdentityConfirmation:
        """Ask for a letter (the first one, or another one for the same confirmation)."""
        postcode, address = (postcode or "").strip(), (address or "").strip()
        if not postcode or not address:
            raise IdentityError("wrong_state")
        with transaction.atomic():
            locked = Account.objects.select_for_update().get(pk=account.pk)
            flows.ensure_pending(locked)
            permitted = allowance(account)
            if not permitted.allowed:
                raise IdentityError(permitted.error)
            confirmation = flows.current(account)
            if confirmation is None or confirmation.method != self.code:
                confirmation = flows.open_confirmation(account, self.code, request=request)
            letter = PostLetter.objects.create(
                confirmation=confirmation, account=account, postcode=postcode, address=address
            )
            audit.record(
                "post_letter.requested",
                account=account,
                request=request,
                data={"confirmation": confirmation.pk, "letter": letter.pk},
            )
        return confirmation

    def code_subjects(self, confirmation: IdentityConfirmation) -> list[str]:
        return letter_subjects(confirmation.account)

    def cancel(self, confirmation: IdentityConfirmation) -> None:
        confirmation.letters.filter(state__in=[LetterState.PENDING, LetterState.PRINTED]).update(
            state=LetterState.CANCELLED
        )
        service.revoke(CodePurpose.POST_LETTER, letter_subjects(confirmation.account))

    def cabinet_context(self, account: Account, confirmation: IdentityConfirmation | None) -> dict:
        letters = list(confirmation.letters.select_related("code").order_by("-requested_at")) if confirmation else []
        return {"letters": letters, "allowance": allowance(account)}


METHOD = PostLetterMethod()


# --- the post operators' side --------------------------------------------------------------------


@dataclass
class PrintedLetter:
    """One printed letter: the address block in Russian for the post, the message in ``language`` and Russian."""

    letter: PostLetter
    code: str
    name: str
    application_number: str
    language: str = ""  # the person's (``Account.language``); the letter adds Russian when it is another
    name_cyrillic: str = ""


def print_letters(
    letters: Iterable[PostLetter], *, by: Account, request: HttpRequest | None = None
) -> list[PrintedLetter]:
    """Generate each letter's code and mark it printed; the codes exist in clear only in the result.

    Reprinting a printed letter issues a new code and revokes the old one. Letters whose person no
    longer waits for them (method switched, account confirmed or blocked) are cancelled, not printed.
    """
    printed: list[PrintedLetter] = []
    now = timezone.now()
    for letter in letters:
        with transaction.atomic():
            letter = (
                PostLetter.objects.select_for_update(of=("self",))
                .select_related("confirmation", "account", "account__applicant", "code")
                .get(pk=letter.pk)
            )
            if letter.state not in (LetterState.PENDING, LetterState.PRINTED):
                continue
            confirmation = letter.confirmation
            if confirmation.state not in (ConfirmationState.IN_PROGRESS, ConfirmationState.DOCUMENTS_REQUESTED) or (
                not letter.account.is_pending
            ):
                letter.state = LetterState.CANCELLED
                letter.save(update_fields=["state"])
                continue
            reprint = letter.code is not None
            # The letter's new code revokes its old one; other letters' codes stay valid.
            record, code = service.issue(
                CodePurpose.POST_LETTER, letter_subject(letter.pk), account=letter.account, issued_by=by
            )
            letter.code = record
            letter.state = LetterState.PRINTED
            letter.printed_at = now
            letter.printed_by = by
            letter.save(update_fields=["code", "state", "printed_at", "printed_by"])
            audit.record(
                "post_letter.printed",
                account=letter.account,
                actor=by,
                request=request,
                data={"letter": letter.pk, "code": record.pk, "reprint": reprint},
            )
            applicant = getattr(letter.account, "applicant", None)
            printed.append(
                PrintedLetter(
                    letter=letter,
                    code=code,
                    name=applicant.full_name_latin if applicant else letter.account.email,
                    application_number=applicant.application_number if applicant else "",
                    language=letter.account.language,
                    name_cyrillic=applicant.full_name_cyrillic if applicant else "",
                )
            )
    return printed


def mark_sent(letters: Iterable[PostLetter], *, by: Account, request: HttpRequest | None = None) -> int:
    """Mark printed letters as sent and tell each person where to collect theirs; returns how many.

    Only a printed letter can be sent: one still waiting, already sent or cancelled is left as it is
    (the conditional update decides, so two operators marking one letter send one e-mail).
    """
    done = 0
    now = timezone.now()
    for letter in letters:
        updated = PostLetter.objects.filter(pk=letter.pk, state=LetterState.PRINTED).update(
            state=LetterState.SENT, sent_at=now, sent_by=by
        )
        if not updated:
            continue
        done += 1
        letter = PostLetter.objects.select_related("account", "code").get(pk=letter.pk)
        audit.record("post_letter.sent", account=letter.account, actor=by, request=request, data={"letter": letter.pk})
        flows.notify(
            letter.account,
            "post_letter_sent",
            {
                "postcode": letter.postcode,
                "address": letter.address,
                "valid_until": letter.code.expires_at if letter.code else None,
            },
        )
    return done
