"""The signature method's own refusals, each with a stable code and a message for people."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from registration.identity.base import ERROR_MESSAGES, IdentityError

SIGNATURE_MESSAGES: dict[str, Promise] = {
    "not_qualified": _("This is not a qualified electronic signature certificate."),
    "certificate_revoked": _("The certification authority has revoked this certificate."),
    "crl_stale": _(
        "The certification authority's list of revoked certificates is out of date, so the certificate cannot "
        "be checked now. Try again later or choose another way."
    ),
    "crl_missing": _(
        "We cannot check whether this certificate has been revoked at the moment. Try again later or choose "
        "another way."
    ),
    "identifier_mismatch": _("The SNILS or INN in the certificate differs from the one in your application."),
    "identifier_missing": _(
        "The certificate carries a SNILS or INN that your application does not have. Add it to your profile, "
        "then try again."
    ),
}


class SignatureError(IdentityError):
    """A refused certificate: the identity codes plus the signature's own (revocation, qualification, SNILS/INN)."""

    messages = {**ERROR_MESSAGES, **SIGNATURE_MESSAGES}
