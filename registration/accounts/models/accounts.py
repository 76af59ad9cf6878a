"""The account: a custom user whose log-in is the e-mail address."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts.identifiers import normalise_email
from registration.core import mail


def language_choices() -> list[tuple[str, Any]]:
    """The site's interface languages (``settings.LANGUAGES``), read when used: a new one needs no migration."""
    return list(settings.LANGUAGES)


class AccountStatus(models.TextChoices):
    PENDING = "pending", _("Pending confirmation")
    ACTIVE = "active", _("Active")
    BLOCKED = "blocked", _("Blocked")
    #: Closed by the person (consent withdrawn) or by the retention rules: no log-in, contacts freed.
    CLOSED = "closed", _("Closed")


class StatusChangeOutsideStateMachine(RuntimeError):
    """Raised when code assigns ``Account.status`` and saves instead of calling registration.accounts.status."""


class AccountManager(BaseUserManager["Account"]):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        """The address in its one stored form (``registration.accounts.identifiers``): it is the login."""
        return normalise_email(email)

    def get_by_natural_key(self, username: str | None) -> Account:
        return self.get(email=self.normalize_email(username))

    def _create(self, email: str, password: str | None, **extra: Any) -> Account:
        if not email:
            raise ValueError("An account needs an e-mail address.")
        account = self.model(email=self.normalize_email(email), **extra)
        account.set_password(password)
        account.save(using=self._db)
        return account

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> Account:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> Account:
        extra.update(is_staff=True, is_superuser=True, status=AccountStatus.ACTIVE)
        return self._create(email, password, **extra)


class Account(AbstractBaseUser, PermissionsMixin):
    """A person's (or a clerk's) log-in. Statuses change only through ``registration.accounts.status``."""

    # Stored normalised (NFKC, case-folded, IDNA domain), so this unique index is the case-insensitive
    # one, by Python's Unicode rules on every database (not PostgreSQL's upper()/lower()).
    email = models.EmailField(_("e-mail"), unique=True)
    phone = models.CharField(
        _("mobile phone"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        help_text=_("International format, for example +79161234567."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AccountStatus.choices, default=AccountStatus.PENDING, db_index=True
    )
    status_reason = models.TextField(_("reason for the status"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    is_staff = models.BooleanField(
        _("staff"), default=False, help_text=_("Whether the person may log into the clerks' workspace.")
    )
    is_active = models.BooleanField(
        _("may log in"),
        default=True,
        help_text=_("Unset to stop log-in altogether (for example for a clerk who has left)."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        blank=True,
        choices=language_choices,
        help_text=_(
            "The interface language chosen at registration or switched to later: every e-mail, text "
            "message and letter to the person is written in it."
        ),
    )
    service_centre = models.ForeignKey(
        "identity.ServiceCentre",
        verbose_name=_("service centre of the clerk"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clerks",
        help_text=_("The clerks' queue opens on this centre's applications; search still finds everyone."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AccountManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["created_at"]
        # The staff, few among the people: the audit log's "by" filter lists them through this index.
        indexes = [models.Index(fields=["email"], condition=models.Q(is_staff=True), name="account_staff")]

    def __str__(self) -> str:
        return self.email

    @classmethod
    def from_db(cls, db, field_names, values):  # type: ignore[no-untyped-def]
        instance = super().from_db(db, field_names, values)
        instance._saved_status = instance.__dict__.get("status", "")
        return instance

    def clean(self) -> None:
        super().clean()
        self.email = type(self).objects.normalize_email(self.email)

    def save(self, *args: Any, **kwargs: Any) -> None:
        saved = getattr(self, "_saved_status", None)
        if saved is not None and self.status != saved and not getattr(self, "_status_machine", False):
            raise StatusChangeOutsideStateMachine(
                "Account.status changes only through registration.accounts.status (it records the audit event)."
            )
        self.email = type(self).objects.normalize_email(self.email)
        if self.phone == "":
            self.phone = None
        super().save(*args, **kwargs)
        self._saved_status = self.status

    @property
    def language(self) -> str:
        """The language of messages to this person: the one recorded, else the site's default (Russian)."""
        return mail.language_of(self)

    @property
    def is_pending(self) -> bool:
        return self.status == AccountStatus.PENDING

    @property
    def is_blocked(self) -> bool:
        return self.status == AccountStatus.BLOCKED

    @property
    def is_closed(self) -> bool:
        return self.status == AccountStatus.CLOSED

    @property
    def is_confirmed(self) -> bool:
        return self.status == AccountStatus.ACTIVE
