"""The screening page: screen, then plan, then compound, calling the same domain functions as the
CLI and the API. Nothing is stored; responses are ``no-store`` so a shared browser keeps no copy.

A ``hold`` or ``contraindicated`` verdict stops what follows: no plan, no compounding order and
no prescription text are computed or shown, only the verdict and its reasons. The facts the
screen could not check are listed above the findings.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ldnderm.kernel.errors import InvalidInput, NotFound
from ldnderm.web.screening import facts
from ldnderm.web.screening.forms import LIST_FIELDS, ScreeningForm

PLAN_FIELDS = {"condition", "start", "protocol", "target_mg"}
COMPOUND_FIELDS = {
    "days": "supply_days",
    "form": "dosage_form",
    "concentration_mg_ml": "concentration_mg_ml",
}


@never_cache
@require_http_methods(["GET", "POST"])
def screening(request: HttpRequest) -> HttpResponse:
    """GET: the empty form. POST: findings with sources, then (unless the verdict is hold or
    contraindicated) the plan and compounding order. POST ``add_medication``: one more row."""
    context: dict[str, Any] = {}
    form = ScreeningForm(request.POST if request.method == "POST" else None)
    screen_now = request.method == "POST" and "add_medication" not in request.POST
    if screen_now and form.is_valid():
        context.update(_run(form))
    context["form"] = form
    context["fact_labels"] = facts.FACT_LABELS
    response = render(request, "screening/screen.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def medicines(request: HttpRequest) -> HttpResponse:
    """Names of the safety vocabulary matching what is typed: an HTMX fragment for the medicine
    field whose id HTMX sends as ``HX-Trigger``. The text is ``q``, or the field's own value as
    HTMX sends it (``med-N-name``, or of the one-per-line ``medications`` its last line).
    Nothing is stored: the vocabulary is public data."""
    from ldnderm.safety.lookup import MIN_QUERY, suggest

    typed = next(
        (str(v) for k, v in request.GET.items() if k in MED_QUERY_KEYS or k.endswith("-name")),
        "",
    )
    query = (typed.splitlines() or [""])[-1].strip()[:100]
    context = {
        "query": query,
        "short": len(query) < MIN_QUERY,
        "suggestions": suggest(query),
        "target": request.headers.get("HX-Trigger", "")[:80],
    }
    return render(request, "screening/partials/medicines.html", context)


MED_QUERY_KEYS = ("q", "medications")


def _run(form: ScreeningForm) -> dict[str, Any]:
    from ldnderm import dosing, safety

    out: dict[str, Any] = {}
    document = form.profile_document()
    if document is None:
        return out
    try:
        result = safety.screen_document(document)
    except InvalidInput as exc:
        _error(form, exc, "document" if form.cleaned_data.get("document") else None)
        return out
    unchecked = facts.not_checked(result, document)
    out["result"] = result
    out["not_checked"] = [facts.FACT_LABELS.get(k, k) for k in unchecked]
    out["verdict"] = facts.shown_verdict(result.verdict, unchecked)
    data = form.cleaned_data
    wants_plan = bool(data.get("condition") and data.get("start"))
    if not facts.plan_allowed(result.verdict):
        out["withheld"] = True
        return out
    if not wants_plan:
        return out
    request = {"condition": data["condition"], "start": data["start"].isoformat()}
    for key in ("protocol", "target_mg"):
        if data.get(key):
            request[key] = data[key]
    try:
        out["plan"] = plan = dosing.plan_from_json(request)
        if data.get("supply_days"):
            order = {"plan": request, "days": data["supply_days"], "form": data["dosage_form"]}
            if data.get("concentration_mg_ml"):
                order["concentration_mg_ml"] = data["concentration_mg_ml"]
            out["order"] = dosing.compound_from_json(order)
            out["plan"] = plan
    except InvalidInput as exc:
        _error(form, exc, None)
    except NotFound as exc:
        form.add_error("protocol" if exc.kind == "protocol" else "condition", str(exc))
    return out


def _error(form: ScreeningForm, exc: InvalidInput, default: str | None) -> None:
    """Show a domain error on the form field it names (``medications[1].end`` -> that row)."""
    head = exc.path[0] if exc.path else ""
    name = str(head)
    if name == "plan" and len(exc.path) > 1:
        name = str(exc.path[1])
    name = COMPOUND_FIELDS.get(name, name)
    if default is None and name == "medications" and len(exc.path) > 1:
        index = exc.path[1] if isinstance(exc.path[1], int) else 0
        key = str(exc.path[2]) if len(exc.path) > 2 else None
        form.medication_row_error(index, key, exc.one_line())
        return
    if default is None and (name in form.fields or name in LIST_FIELDS | PLAN_FIELDS):
        message = exc.one_line()
        if name in LIST_FIELDS and len(exc.path) > 1 and isinstance(exc.path[1], int):
            message = f"line {exc.path[1] + 1}: {message}"
        form.add_error(name if name in form.fields else None, message)
        return
    form.add_error(default, exc.one_line())
