"""A registration with contacts that already belong to an account: told only after the code, and to the owner.

The contacts step answers the same for new and registered contacts (no enumeration). Once the person
has confirmed a registered contact by its code, they are shown that the account exists, and the
account's owner is told through that contact that someone tried to register with it.
"""

from __future__ import annotations

import logging

from registration.accounts.models import Account
from registration.codes import sms
from registration.codes.sms import SmsSendError, send_sms
from registration.core.mail import language_of, send_to_account

logger = logging.getLogger(__name__)


def tell_owner(kind: str, email: str, phone: str) -> None:
    """Tell the owner of the registered ``kind`` ("email" or "phone") that someone tried to register with it."""
    lookup = {"email": Account.objects.normalize_email(email)} if kind == "email" else {"phone": phone}
    account = Account.objects.filter(**lookup).first()
    if account is None:
        return
    if kind == "email":
        send_to_account(account, "registration_attempt", {"email": account.email})
        return
    text = sms.render("sms/registration_attempt.txt", language=language_of(account))
    try:
        send_sms(phone, text)
    except SmsSendError:
        logger.warning("The SMS about a registration attempt could not be sent.")
