"""Evidence pages. They render the same views the CLI and API return; no clinical logic here.

A condition may be addressed by any name the knowledge base resolves (``/conditions/L73.2/``);
such addresses redirect to the canonical id. Unknown conditions are 404.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from ldnderm.kernel.errors import NotFound


@require_GET
def condition_index(request: HttpRequest) -> HttpResponse:
    from ldnderm import evidence
    from ldnderm.evidence import presenters

    kb = evidence.base()
    context = {
        "conditions": presenters.condition_list(kb),
        "mechanisms": presenters.mechanisms_view(kb),
    }
    return render(request, "evidence/condition_list.html", context)


@require_GET
def condition_page(request: HttpRequest, condition_id: str) -> HttpResponse:
    """The clinician page: evidence table, regimens, grade and reasons, linked citations."""
    return _page(request, condition_id, "evidence:condition", "evidence/condition_detail.html")


@require_GET
def patient_page(request: HttpRequest, condition_id: str) -> HttpResponse:
    """The patient page, in plain language."""
    return _page(request, condition_id, "evidence:patient", "evidence/condition_patient.html")


def _page(request: HttpRequest, condition_id: str, name: str, template: str) -> HttpResponse:
    from ldnderm import evidence
    from ldnderm.evidence import presenters

    kb = evidence.base()
    try:
        condition = kb.condition(condition_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if condition.id != condition_id:
        return redirect(name, condition_id=condition.id)
    context = {
        "c": presenters.condition_detail(condition, kb),
        "off_label": presenters.off_label_view(kb),
    }
    return render(request, template, context)
