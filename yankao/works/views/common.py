"""Helpers of the works views: service errors onto forms, selector errors to 404/403."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.years import chosen_year
from yankao.works.access import is_team, reads_all

T = TypeVar("T")




def fetch(selector: Callable[..., T], **kwargs) -> T:
    """Call a selector; a missing or hidden record is a 404, a refusal a 403."""
    try:
        return selector(**kwargs)
    except DomainError as error:
        if error.code == ErrorCode.NOT_FOUND:
            raise Http404(error.message) from None
        raise PermissionDenied(error.message) from None


def put_error(form: forms.Form, error: DomainError) -> None:
    """A service's error on the form field it names, or on the whole form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def year_from(request: HttpRequest, default: int) -> int:
    """The ``?year=`` asked for, or ``default`` (the latest year with records, from
    ``yankao.core.years.default_year``)."""
    return chosen_year(request.GET.get("year"), default)


def works_context(request: HttpRequest, **extra) -> dict:
    """What every works page needs for its navigation."""
    return {"works_team": is_team(request.user), "works_reads_all": reads_all(request.user),
            **extra}


