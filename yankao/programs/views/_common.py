"""Helpers of the program-control views: errors, years, months."""

from __future__ import annotations

from functools import wraps

from django.http import Http404, HttpRequest

from yankao.core.errors import DomainError, ErrorCode


def not_found_as_404(view):
    """A DomainError NOT_FOUND from a selector becomes the 404 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            if error.code == ErrorCode.NOT_FOUND:
                raise Http404(error.message) from None
            raise

    return wrapper


def attach_error(form, error: DomainError) -> None:
    """Show a service's refusal on the form field it names, or on the whole form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def chosen_int(request: HttpRequest, name: str, choices: list[int], default: int) -> int:
    try:
        value = int(request.GET.get(name, default))
    except (TypeError, ValueError):
        return default
    return value if value in choices else default


def error_status(error: DomainError) -> int:
    return error.status if error.status != 404 else 422
