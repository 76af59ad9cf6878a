"""The identifiers step's "Check" button: the INN's format and check digits, checked on the server.

What is checked is said plainly: the number's form and its two check digits, as the step's own
validation does on submit; then, where the tax service's registry is configured
(``REGISTRATION_REGISTRY_URL``) and the person's name and birth date are already answered, the tax
service is asked (one try, its timeout) whether the INN is this person's, and its answer is said
instead. The number comes in a POST body (never a URL), is never logged, and the check is
rate-limited per client address.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from registration.core.ratelimit import limit
from registration.onboarding import steps as S
from registration.onboarding.storage import WizardStorage
from registration.registries import backends as registry_backends
from registration.registries.inn import check_inn as ask_tax_service

#: What a passed check means, for the page and the check-your-answers summary.
CHECKED = _("The format and the check digits are right. The number has not been looked up in the tax register.")


@never_cache
@require_POST
@sensitive_post_parameters("inn")
@limit("inn_check_ip")
def check_inn(request: HttpRequest) -> JsonResponse:
    """``{"ok": true, "inn": …, "message": …}`` or ``{"ok": false, "code": …, "message": …}``."""
    from registration.onboarding.forms import IdentifiersForm

    field = IdentifiersForm.base_fields["inn"]
    value = (request.POST.get("inn") or "")[:100]
    if not value.strip():
        return JsonResponse({"ok": False, "code": "required", "message": str(_("Type the INN to check it."))})
    try:
        inn = field.clean(value)
    except ValidationError as exc:
        error = exc.error_list[0]
        message = error.message % error.params if error.params else error.message
        return JsonResponse({"ok": False, "code": error.code or "invalid", "message": str(message)})
    personal = _answered_person(request)
    if personal is None or not registry_backends.endpoint("inn"):
        return JsonResponse({"ok": True, "inn": inn, "message": str(CHECKED)})
    result = ask_tax_service(
        inn, surname=personal["surname"], given_names=personal["given_names"], birth_date=personal["birth_date"]
    )
    return JsonResponse(
        {"ok": True, "inn": inn, "message": str(result.message), "registry": str(result.outcome), "level": result.level}
    )


def _answered_person(request: HttpRequest) -> dict | None:
    """The name and birth date of this browser's registration draft, when its personal step is answered."""
    from registration.onboarding.views.draft import WIZARD_PREFIX

    if f"wizard_{WIZARD_PREFIX}" not in request.session:  # formtools' session key; no draft is made here
        return None
    raw = WizardStorage(WIZARD_PREFIX, request, None).get_step_data(S.PERSONAL)
    if not raw:
        return None
    form = dict(S.FORM_LIST)[S.PERSONAL](data=raw, prefix=S.PERSONAL)
    if not form.is_valid():
        return None
    cleaned = form.cleaned_data
    return cleaned if cleaned.get("birth_date") and cleaned.get("surname") else None
