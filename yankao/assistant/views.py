"""Thin HTML views of the FAQ assistant: the public chat (phone first, works without
JavaScript, htmx when present) and the staff pages that keep the FAQ."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yankao.assistant import forms, selectors, services
from yankao.assistant.access import can_edit, can_read
from yankao.assistant.models import Conversation, Outcome
from yankao.core import selectors as core_selectors
from yankao.core.errors import DomainError
from yankao.core.ratelimit import rate_limit
from yankao.core.views import is_htmx

SESSION_KEY = "assistant_conversation"
HANDOVER_KEY = "assistant_handover"


def _conversation(request: HttpRequest) -> Conversation | None:
    public_id = request.session.get(SESSION_KEY)
    if not public_id:
        return None
    try:
        return selectors.conversation_get(public_id=public_id)
    except (DomainError, ValueError):
        request.session.pop(SESSION_KEY, None)
        return None


def _exchange_rows(conversation: Conversation | None) -> list[dict]:
    if conversation is None:
        return []
    exchanges = selectors.conversation_exchanges(conversation=conversation)
    entries = selectors.entries_by_id([i for e in exchanges for i in e.shown])
    return [{"exchange": e, "entries": [entries[i] for i in e.shown if i in entries]}
            for e in exchanges]


def _chat(request: HttpRequest, *, form=None, error: str = "", status: int = 200):
    conversation = _conversation(request)
    return render(request, "assistant/chat.html", {
        "form": form or forms.AskForm(), "rows": _exchange_rows(conversation),
        "error": error, "conversation": conversation, "Outcome": Outcome,
    }, status=status)


@require_GET
def chat(request: HttpRequest) -> HttpResponse:
    return _chat(request)


@require_POST
def ask(request: HttpRequest) -> HttpResponse:
    form = forms.AskForm(request.POST)
    form.is_valid()
    try:
        rate_limit(request, group="assistant-ask", rate="30/m")
        answer = services.question_ask(question=form.cleaned_data.get("question", ""),
                                       conversation=_conversation(request),
                                       language=get_language() or "zh-hant")
    except DomainError as error:
        if is_htmx(request):
            response = render(request, "assistant/_ask_error.html", {"error": error.message})
            response["HX-Retarget"] = "#ask-error"
            response["HX-Reswap"] = "innerHTML"
            return response
        return _chat(request, form=form, error=error.message, status=error.status)
    request.session[SESSION_KEY] = str(answer.conversation.public_id)
    if is_htmx(request):
        return render(request, "assistant/_exchange.html", {
            "row": {"exchange": answer.exchange, "entries": answer.entries},
            "Outcome": Outcome, "latest": True})
    return redirect(f"{reverse('assistant:chat')}#exchange-{answer.exchange.pk}")


@require_POST
def feedback(request: HttpRequest, exchange_id: int) -> HttpResponse:
    conversation = _conversation(request)
    if conversation is None:
        raise Http404
    raw = request.POST.get("entry", "")
    try:
        exchange = services.exchange_feedback(
            conversation=conversation, exchange_id=exchange_id,
            entry_id=int(raw) if raw.isdigit() else None)
    except DomainError as error:
        raise Http404(error.message) from None
    if is_htmx(request):
        entries = selectors.entries_by_id(exchange.shown)
        return render(request, "assistant/_exchange.html", {
            "row": {"exchange": exchange, "entries": [entries[i] for i in exchange.shown
                                                      if i in entries]},
            "Outcome": Outcome, "latest": True})
    return redirect(f"{reverse('assistant:chat')}#exchange-{exchange.pk}")


@require_POST
def restart(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    request.session.pop(HANDOVER_KEY, None)
    return redirect("assistant:chat")


@require_http_methods(["GET", "POST"])
def handover(request: HttpRequest) -> HttpResponse:
    """轉真人: a person answers; the conversation goes with the case."""
    conversation = _conversation(request)
    done = request.session.get(HANDOVER_KEY)
    if conversation is not None and conversation.case_number and done:
        return render(request, "assistant/handover_done.html", done)
    districts = core_selectors.district_list()
    form = forms.HandoverForm(request.POST or None, districts=districts)
    if request.method == "POST":
        try:
            rate_limit(request, group="assistant-handover", rate="10/h")
        except DomainError as error:
            return render(request, "assistant/handover.html",
                          {"form": form, "error": error.message, "rows": []},
                          status=error.status)
        if form.is_valid():
            data = form.cleaned_data
            conversation = conversation or services.conversation_start(
                language=get_language() or "zh-hant")
            try:
                number, password = services.handover_open(
                    conversation=conversation, name=data["name"], phone=data["phone"],
                    email=data["email"], district_code=data["district"],
                    details=data["details"])
            except DomainError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
            else:
                request.session[SESSION_KEY] = str(conversation.public_id)
                done = {"number": number, "password": password}
                request.session[HANDOVER_KEY] = done
                return render(request, "assistant/handover_done.html", done)
        return render(request, "assistant/handover.html",
                      {"form": form, "rows": _exchange_rows(conversation)}, status=422)
    return render(request, "assistant/handover.html",
                  {"form": form, "rows": _exchange_rows(conversation)})


# --- staff ------------------------------------------------------------------------------------


def _require(request: HttpRequest, *, edit: bool = False) -> None:
    if not (can_edit(request.user) if edit else can_read(request.user)):
        raise PermissionDenied


def _week_start(raw: str | None) -> dt.date:
    today = timezone.localdate()
    if raw:
        try:
            year, week = raw.split("-W")
            return selectors.iso_week_start(int(year), int(week))
        except ValueError:
            pass
    return today - dt.timedelta(days=today.weekday())


@login_required
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    _require(request)
    week = _week_start(request.GET.get("week"))
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(week, dt.time.min, tzinfo=tz)
    summary = selectors.summary(actor=request.user, start=start,
                                end=start + dt.timedelta(days=7))
    return render(request, "assistant/staff_home.html", {
        "summary": summary, "week": week, "week_end": week + dt.timedelta(days=6),
        "misses": selectors.weekly_misses(actor=request.user, week_start=week, limit=10),
        "iso_week": "{}-W{:02d}".format(*week.isocalendar()[:2]),
        "previous_week": "{}-W{:02d}".format(*(week - dt.timedelta(days=7)).isocalendar()[:2]),
        "next_week": "{}-W{:02d}".format(*(week + dt.timedelta(days=7)).isocalendar()[:2]),
        "can_edit": can_edit(request.user),
    })


@login_required
@require_GET
def faq_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    query, topic = request.GET.get("q", "")[:100], request.GET.get("topic", "")[:32]
    entries = selectors.faq_list(actor=request.user, query=query, topic=topic)
    context = {"entries": entries[:400], "query": query, "topic": topic,
               "topics": selectors.topic_list(), "can_edit": can_edit(request.user),
               "total": entries.count()}
    template = "assistant/_faq_rows.html" if is_htmx(request) else "assistant/faq_list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def faq_edit(request: HttpRequest, entry_id: int | None = None) -> HttpResponse:
    _require(request, edit=True)
    entry = None
    if entry_id is not None:
        try:
            entry = selectors.faq_get(actor=request.user, entry_id=entry_id)
        except DomainError as error:
            raise Http404(error.message) from None
    initial = {}
    if entry is None:
        initial = {"question_zh": request.GET.get("question", "")[:200]}
    form = forms.FaqEntryForm(request.POST or None, instance=entry, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.FAQ_FIELDS}
        try:
            saved = services.faq_entry_save(
                actor=request.user, entry=entry,
                key="" if entry else form.cleaned_data["key"], **data)
            miss_key = request.GET.get("miss", "")
            if miss_key:
                services.miss_resolve(actor=request.user, key=miss_key[:200], entry=saved)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The entry is saved; the assistant uses it from the "
                                        "next question."))
            return redirect("assistant:faq-edit", entry_id=saved.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "assistant/faq_form.html", {"form": form, "entry": entry},
                  status=status)


@login_required
@require_POST
def faq_retire(request: HttpRequest, entry_id: int) -> HttpResponse:
    _require(request, edit=True)
    try:
        entry = selectors.faq_get(actor=request.user, entry_id=entry_id)
        services.faq_entry_retire(actor=request.user, entry=entry,
                                  reason=request.POST.get("reason", "")[:200])
    except DomainError as error:
        raise Http404(error.message) from None
    messages.success(request, _("The entry no longer answers questions."))
    return redirect("assistant:faq-edit", entry_id=entry_id)


@login_required
@require_http_methods(["GET", "POST"])
def synonyms(request: HttpRequest) -> HttpResponse:
    _require(request, edit=request.method == "POST")
    initial = {language: "\n".join(group.terms.replace(",", ", ") for group in
                                   selectors.synonym_groups(language=language))
               for language in ("zh", "en")}
    form = forms.SynonymsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            for language in ("zh", "en"):
                services.synonyms_replace(actor=request.user, language=language,
                                          text=form.cleaned_data[language])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The synonyms are saved."))
            return redirect("assistant:synonyms")
    return render(request, "assistant/synonyms.html",
                  {"form": form, "can_edit": can_edit(request.user)},
                  status=422 if request.method == "POST" else 200)


@login_required
@require_POST
def miss_resolve(request: HttpRequest) -> HttpResponse:
    _require(request, edit=True)
    form = forms.ResolveForm(request.POST)
    if form.is_valid():
        entry = selectors.faq_by_key(actor=request.user, key=form.cleaned_data["entry"].strip())
        if entry is None:
            messages.error(request, _("No entry has that key."))
        else:
            count = services.miss_resolve(actor=request.user, key=form.cleaned_data["key"],
                                          entry=entry)
            messages.success(request, _("%(count)s questions are marked as answered by "
                                        "%(key)s.") % {"count": count, "key": entry.key})
    week = request.POST.get("week", "")
    suffix = f"?week={week}" if week[:4].isdigit() and len(week) <= 8 else ""
    return redirect(reverse("assistant:staff-home") + suffix)
