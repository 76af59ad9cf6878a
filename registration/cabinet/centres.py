"""Finding the nearest service centre: a text search (city, region, postcode) and "near me" (the browser's
position, sent by a script in a POST: coordinates never go in a URL), results with distance, address and
hours, and a choice that starts the service-centre method with that centre."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from registration.accounts.models import Account, Applicant
from registration.identity import centres, registry
from registration.identity.base import IdentityError
from registration.identity.service_centre import METHOD, CentreSearchForm


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def centre_search(request: HttpRequest) -> HttpResponse:
    """GET: the centres of the person's region; POST: a search by text or by position."""
    account = request.user
    if not isinstance(account, Account) or not account.is_pending:
        return redirect("registration:cabinet")
    try:
        registry.get(METHOD.code, offered_only=True)
    except IdentityError:
        return redirect("registration:identity_methods")
    applicant = Applicant.objects.filter(account=account).first()
    located = False
    if request.method == "POST":
        form = CentreSearchForm(request.POST)
        results = []
        if form.is_valid():
            latitude, longitude = form.cleaned_data.get("latitude"), form.cleaned_data.get("longitude")
            located = latitude is not None and longitude is not None
            results = centres.search(form.cleaned_data.get("q") or "", latitude=latitude, longitude=longitude)
        searched = form.is_valid()
    else:
        region = applicant.region if applicant is not None else ""
        form = CentreSearchForm(initial={"q": ""})
        results = centres.search(region) if region else []
        searched = False
    return render(
        request,
        "cabinet/identity/centre_search.html",
        {
            "form": form,
            "results": results,
            "searched": searched,
            "located": located,
            "in_region": not searched and bool(results),
            "errors": form if form.is_bound and form.errors else None,
        },
    )
