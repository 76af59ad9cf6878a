"""A registration with contacts that already belong to an account: told only after the code, and to the owner.

The contacts step answers the same for new and registered contacts (no enumeration). Once the person
has confirmed a registered contact by its code, they are shown that the account exists, and the
account's owner is told through that contact that someone tried to register with it.
"""

from __future__ import annotations

import logging

from django.template.loader import render_to_string
from django.utils import translation

from registration.accounts.models import Account
from registration.codes.sms import SmsSendError, send_sms
from registration.core.mail import send_templated

logger = logging.getLogger(__name__)


def tell_owner(kind: str, email: str, phone: str) -> None:
    """Tell the owner of the registered ``kind`` ("email" or "phone") that someone tried to register with it."""
    lookup = {"email": Account.objects.normalize_email(email)} if kind == "email" else {"phone": phone}
    account = Account.objects.filter(**lookup).first()
    if account is None:
        return
    language = account.preferred_language or None
    if kind == "email":
        send_templated("registration_attempt", account.email, {"email": account.email}, language=language)
        return
    with translation.override(language or translation.get_language()):
        text = " ".join(render_to_string("sms/registration_attempt.txt").split())
    try:
        send_sms(phone, text)
    except SmsSendError:
        logger.warning("The SMS about a registration attempt could not be sent.")
