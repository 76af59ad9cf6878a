"""Qualified electronic signature: a PKCS #12 file (``.p12``/``.pfx``) and its password.

The file is opened with ``cryptography`` in memory (``files``). The certificate must be valid now, allow
signatures (key usage), be a Russian qualified certificate (policies and signature-tool extensions,
``qualified``), chain to a certification authority of the trusted folder and be covered by fresh CRLs
of its issuers without being listed (``trust``), name the applicant by their whole name, and carry no
SNILS or INN other than the applicant's. One certificate confirms one account, enforced by a database
constraint (``method``). Each refusal has its own code (``errors``). The private key and the password are
never stored or logged: only the certificate (PEM), its SHA-256 fingerprint, subject, issuer, serial
number and validity are kept.
"""

from registration.identity.signature.errors import SIGNATURE_MESSAGES, SignatureError
from registration.identity.signature.method import METHOD, RATE_ACTION, CertificateForm, SignatureMethod

__all__ = ["METHOD", "RATE_ACTION", "SIGNATURE_MESSAGES", "CertificateForm", "SignatureError", "SignatureMethod"]
