"""The site's own settings: every ``REGISTRATION_*`` setting, its default and what it means, in one place.

In the manner of django-allauth's ``app_settings``: each property reads the Django setting when it is
used (so ``override_settings`` just works) and falls back to the default written here. Code reads
``app_settings.CODE_TTL``, never ``getattr(settings, "REGISTRATION_CODE_TTL", …)``. The README's table
of these settings is checked against this class (``tests/registration/test_settings_object.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

PREFIX = "REGISTRATION_"


@dataclass(frozen=True)
class Setting:
    """One documented setting: the name after the prefix, its default and a line saying what it does."""

    name: str
    default: Any
    doc: str

    @property
    def setting_name(self) -> str:
        return PREFIX + self.name


#: Every setting, in the order of the README's table.
SETTINGS: tuple[Setting, ...] = (
    # Contacts, codes and log-in
    Setting("CODE_LENGTH", 6, "digits in a phone or e-mail confirmation code"),
    Setting("CODE_TTL", 600, "seconds a phone or e-mail confirmation code stays valid"),
    Setting("CODE_MAX_ATTEMPTS", 5, "wrong entries one confirmation code survives"),
    Setting("CODE_RESEND_COOLDOWN", 60, "seconds before another confirmation code can be sent"),
    Setting("EMAIL_LINK_MAX_AGE", 3600, "seconds an e-mail confirmation link works"),
    Setting("LOGIN_CODE_MAX_AGE", 300, "seconds to type the log-in SMS code after the password"),
    Setting("CAPTCHA", True, "a captcha on the last wizard step"),
    Setting("WIZARD_DRAFT_DAYS", 30, "days a registration draft is kept on the server once its e-mail is confirmed"),
    Setting("WIZARD_RESUME_LINK_DAYS", 7, "days a link to continue a saved registration works (once)"),
    Setting("CAPTCHA_AUDIO", True, "the captcha's digits can be heard (needs `espeak-ng`; `sox` adds noise)"),
    Setting("RATE_LIMITS", {}, "rate limits changed from the defaults in `registration/core/ratelimit.py`"),
    Setting("TRUSTED_PROXY_COUNT", 0, "proxies in front of the site whose X-Forwarded-For is trusted"),
    Setting("ARGON2_PARALLELISM", 1, "lanes (threads) of each Argon2id password hash"),
    # SMS
    Setting("SMS_BACKEND", "registration.codes.sms.ConsoleBackend", "class that sends SMS"),
    Setting("SMS_GATEWAY_URL", "", "the HTTP SMS gateway's address"),
    Setting("SMS_GATEWAY_TOKEN", "", "the HTTP SMS gateway's bearer token"),
    Setting("SMS_GATEWAY_TIMEOUT", 5, "seconds per SMS gateway request"),
    Setting("SMS_GATEWAY_RETRIES", 2, "extra tries after a failed SMS gateway request"),
    Setting("SMS_FILE_PATH", "var/sms.log", "where the file SMS backend writes (development only)"),
    # Payments
    Setting(
        "PAYMENT_BACKEND",
        "registration.payments.backends.HttpProviderBackend",
        "class that talks to the payment provider",
    ),
    # Issued documents (registration/documents/)
    Setting("PDF_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "the documents' PDF font (Latin, Cyrillic)"),
    Setting("PDF_FONT_BOLD", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "its bold face"),
    Setting("PDF_CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "the documents' PDF font for Chinese"),
    Setting(
        "PUBLIC_URL",
        "http://localhost:8000",
        "the site's public address: links made outside a request (a document's QR code), the payment provider's "
        "return and webhook URLs",
    ),
    Setting("PAYMENT_URL", "", "the payment provider's API address (empty: payments are unavailable)"),
    Setting(
        "PAYMENT_PAGE_ORIGINS",
        "",
        "the origins of the provider's payment pages, comma-separated (empty: the origin of `PAYMENT_URL`); "
        "the pages whose forms lead there allow them in the Content-Security-Policy's `form-action`",
    ),
    Setting("PAYMENT_SHOP_ID", "", "the site's shop id at the payment provider"),
    Setting("PAYMENT_SECRET", "", "the shop's secret: the HMAC-SHA-256 key of each request to the provider"),
    Setting("PAYMENT_WEBHOOK_SECRET", "", "the key of the provider's webhook signatures (empty: `PAYMENT_SECRET`)"),
    Setting("PAYMENT_TIMEOUT", 10, "seconds per payment provider request"),
    Setting("PAYMENT_RETRIES", 2, "extra tries of a provider request after a network error, a timeout or a 5xx"),
    Setting("PAYMENT_PENDING_MINUTES", 15, "minutes a payment may wait before reconciliation asks the provider"),
    Setting("PAYMENT_EXPIRY_HOURS", 24, "hours after which a payment still waiting is recorded as not paid"),
    Setting("RESIDENCE_PERMIT_FEE_KOPECKS", 1500000, "the state fee for a residence permit, in kopecks (see below)"),
    # Services in the cabinet
    Setting(
        "SERVICES",
        ["registration.services.stay", "registration.services.residence"],
        "the modules of the services offered in the cabinet, in order",
    ),
    # Personal data at rest
    Setting("ENCRYPTION_KEYS", [], "Fernet keys for personal data at rest, newest first (derived when empty)"),
    Setting("LOOKUP_KEY", "", "key of the keyed hashes that find duplicates (derived when empty)"),
    Setting("LOOKUP_KEY_FALLBACKS", [], "earlier lookup keys, searched until `rotate_personal_data` has run"),
    # Identity confirmation
    Setting("IDENTITY_METHODS", None, "the identity methods offered, in order (`None`: every registered method)"),
    Setting("SERVICE_CENTRE_ISSUES_CODE", False, "a clerk's confirmation issues a code to type (else it activates)"),
    Setting("SERVICE_CENTRE_CODE_DAYS", 7, "days a service-centre code stays valid"),
    Setting("POST_CODE_DAYS", 30, "days a post-letter code stays valid"),
    Setting("POST_LETTERS_PER_PERIOD", 3, "letters one account may ask for in a period"),
    Setting("POST_LETTER_PERIOD_DAYS", 30, "the period of `POST_LETTERS_PER_PERIOD`, in days"),
    Setting("POST_LETTER_INTERVAL_HOURS", 24, "hours between two letters to one account"),
    Setting("CONSULATE_CODE_DAYS", 30, "days a consulate code stays valid"),
    Setting("CONSULATE_CODE_MAX_ATTEMPTS", 5, "wrong entries one consulate code survives"),
    Setting("IDENTITY_CODE_MAX_ATTEMPTS", 10, "wrong entries a post or service-centre code survives"),
    Setting(
        "AUTOMATIC_CONFIRMATION_RULES",
        None,
        "the rules that confirm an account without a clerk (`None`: every rule of `identity/automatic.py`; `[]`: none)",
    ),
    Setting(
        "TRUSTED_CA_DIR",
        None,
        "folder of trusted certification authorities' certificates and CRLs (`None`: `<DJANGO_VAR_DIR>/trusted-ca`)",
    ),
    Setting("SIGNATURE_MAX_FILE_SIZE", 65536, "the largest .p12/.pfx file accepted, in bytes"),
    Setting("VIDEO_BOOKING_NOTICE_MINUTES", 60, "a video call can be booked until this many minutes before it"),
    Setting("MAX_REQUESTED_SCANS", 5, "files a person may attach to one clerk's request for documents"),
    # Support line and caller checks
    Setting("SUPPORT_EMAIL", "support@example.org", "the support address named in e-mails"),
    Setting("SUPPORT_CONTACTS", {}, "support channels shown on the help page, over the defaults"),
    Setting("SUPPORT_PHONE", "8 800 100-70-10", "the support line's number, free of charge within Russia"),
    Setting(
        "SUPPORT_PHONE_INTERNATIONAL",
        "+7 495 727-47-47",
        "the support line's number from abroad (at the caller's international rates; empty: not shown)",
    ),
    Setting("CALLER_VERIFIED_MINUTES", 15, "minutes a caller's match lets that operator act for the caller"),
    Setting("CALLER_MAX_FAILURES", 3, "failed caller checks of one account that lock its verification"),
    Setting("CALLER_FAILURE_WINDOW_MINUTES", 60, "the window of `CALLER_MAX_FAILURES`, in minutes"),
    Setting("CALLER_CODE_REQUIRED", False, "a data match verifies a caller only with the phone code read back"),
    Setting("CALLER_CODE_MINUTES", 5, "minutes the code texted to a caller's phone stays valid"),
    Setting("CALLER_CODE_MAX_ATTEMPTS", 3, "wrong read-backs one caller code survives"),
    # The agencies' registries (registration/registries/)
    Setting("REGISTRY_URL", "", "the interagency exchange's address: each question is POSTed to `<URL>/<question>`"),
    Setting("REGISTRY_ENDPOINTS", {}, 'addresses of single questions, over `REGISTRY_URL` (`{"snils": "https://…"}`)'),
    Setting("REGISTRY_TOKEN", "", "the bearer token sent to the registries"),
    Setting("REGISTRY_SIGNING_KEY", "", "key of the HMAC-SHA-256 signature over each request's time and body"),
    Setting("REGISTRY_TIMEOUT", 5, "seconds per registry request"),
    Setting("REGISTRY_RETRIES", 2, "extra tries within one round after a network error, a timeout or a 5xx"),
    Setting("REGISTRY_BACKOFF", 0.5, "seconds before the first extra try (doubled for each next one)"),
    Setting("REGISTRY_BREAKER_FAILURES", 5, "failed rounds in a row that open a registry's circuit breaker"),
    Setting("REGISTRY_BREAKER_SECONDS", 60, 'seconds an open breaker answers "unavailable" without asking'),
    Setting("REGISTRY_RECHECK_SECONDS", 300, "seconds until a question the registry could not answer is asked again"),
    Setting("REGISTRY_RECHECK_MAX_SECONDS", 21600, "the longest wait between re-checks (the wait doubles per round)"),
    # The personal-data lifecycle (registration/privacy/)
    Setting(
        "RETENTION_UNCONFIRMED_DAYS",
        365,
        "days a never-confirmed (pending or rejected) application is kept after its last activity, then erased",
    ),
    Setting("RETENTION_SUPPORT_THREAD_DAYS", 1095, "days a resolved support thread is kept after its last message"),
    Setting("CLOSED_ACCOUNT_HOLD_DAYS", 30, "days a closed account's data is kept (the legal hold) before erasure"),
    Setting(
        "SERVICE_DRAFT_DAYS", 30, "days a draft application for a service is kept after its last change, then deleted"
    ),
    Setting(
        "RETENTION_REJECTED_SERVICE_DAYS",
        365,
        "days a rejected application for a service is kept after the decision, then deleted",
    ),
    # Operating the service (registration/core/health.py, registration/core/metrics.py)
    Setting("METRICS_TOKEN", "", "bearer token that `/metrics` asks for (empty: `/metrics` answers 404)"),
    Setting(
        "HEALTH_TASK_DELAY",
        600,
        "seconds a due background task may wait before `/readyz` reports the task worker failing",
    ),
    Setting(
        "BACKUP_STATUS_FILE",
        "",
        "the status file `make backup` writes after a successful backup, read into "
        "`registration_backup_last_success_timestamp_seconds` (empty: not exported)",
    ),
)
_BY_NAME = {setting.name: setting for setting in SETTINGS}


class AppSettings:
    """Attribute access to the settings above: ``app_settings.CODE_TTL`` reads ``REGISTRATION_CODE_TTL``."""

    def __getattr__(self, name: str) -> Any:
        try:
            setting = _BY_NAME[name]
        except KeyError:
            raise AttributeError(f"{PREFIX}{name} is not a setting of the site") from None
        return getattr(settings, setting.setting_name, setting.default)

    def __dir__(self) -> list[str]:
        return sorted(_BY_NAME)


app_settings = AppSettings()
