"""Staff pages that record one kind of thing each: a form that only reads and checks
input (its choices scoped to the person by the app's selectors) and a service that
writes. An app lists its kinds as ``Record``s and routes ``…/new/<kind>/`` to
``record_page``; a service's refusal is shown next to its field, with nothing saved."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError


@dataclass(frozen=True)
class Record:
    title: Promise
    form: type  # a Form taking ``actor=`` (the person) besides its data
    save: Callable  # (actor, cleaned_data) -> the saved record; raises DomainError
    done: Callable  # (saved record) -> the address to go to next


def record_page(request: HttpRequest, *, records: Mapping[str, Record], kind: str,
                template: str) -> HttpResponse:
    record = records.get(kind)
    if record is None:
        raise Http404
    form = record.form(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = record.save(request.user, form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(record.done(saved))
    return render(request, template, {"form": form, "title": record.title, "kind": kind},
                  status=422 if form.errors else 200)
