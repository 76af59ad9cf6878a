"""After a contact's code: tell a person whose contact already has an account, and tell its owner."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from registration.codes.models import CodePurpose
from registration.onboarding import steps as S
from registration.onboarding import submit as services
from registration.onboarding.existing import tell_owner

#: Steps from which a confirmed contact that belongs to an account stops the wizard: every step after
#: the phone code (before it, nothing is confirmed and the answer must not differ).
_AFTER_CODES = frozenset(S.NAMES[S.NAMES.index(S.PHONE_CODE) + 1 :])


class ExistingAccountMixin:
    """The account-exists page, shown instead of any later step once a registered contact is confirmed."""

    def taken_confirmed_contacts(self) -> list[str]:
        """The contacts ("email", "phone") that this draft confirmed by code and that an account already has."""
        if "_taken_confirmed" not in self.__dict__:
            contacts: dict[str, Any] = self.earlier(S.CONTACTS)  # type: ignore[attr-defined]
            key = [contacts.get("email", ""), contacts.get("phone", "")]
            storage = self.storage  # type: ignore[attr-defined]
            if storage.extra_data.get("contacts_free") == key:
                # Both confirmed and free when last looked at: later steps need no query. A registration
                # with them meanwhile is refused at submission by the database's unique constraints.
                self._taken_confirmed: list[str] = []
                return self._taken_confirmed
            confirmed = self.confirmed_contacts()  # type: ignore[attr-defined]
            mine = [
                kind
                for kind, purpose in (("email", CodePurpose.EMAIL), ("phone", CodePurpose.PHONE))
                if contacts.get(kind) and (str(purpose), contacts[kind]) in confirmed
            ]
            taken = services.taken_contacts(*key) if mine else []
            self._taken_confirmed = [kind for kind in taken if kind in mine]
            if len(mine) == 2 and not taken:
                extra = storage.extra_data
                extra["contacts_free"] = key
                storage.extra_data = extra
        return self._taken_confirmed

    def has_existing_account(self, step: str) -> bool:
        return step in _AFTER_CODES and bool(self.taken_confirmed_contacts())

    def render_account_exists(self) -> HttpResponse:
        taken = self.taken_confirmed_contacts()
        contacts = self.earlier(S.CONTACTS)  # type: ignore[attr-defined]
        storage = self.storage  # type: ignore[attr-defined]
        extra = storage.extra_data
        told = set(extra.get("owners_told", []))
        for kind in taken:
            if kind not in told:  # once per draft and contact, however often the page is opened
                tell_owner(kind, contacts.get("email", ""), contacts.get("phone", ""))
                told.add(kind)
        extra["owners_told"] = sorted(told)
        storage.extra_data = extra
        context = {"taken": taken, "email": contacts.get("email", ""), "phone": contacts.get("phone", "")}
        return render(self.request, "onboarding/account_exists.html", context)  # type: ignore[attr-defined]
