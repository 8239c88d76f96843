"""Error pages in the site's own layout; API paths get problem JSON instead."""

from django.http import HttpRequest
from django.shortcuts import render

from yankao.core.api.errors import problem
from yankao.core.errors import ErrorCode


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def forbidden(request: HttpRequest, exception=None):
    if _is_api(request):
        return problem(ErrorCode.FORBIDDEN)
    return render(request, "core/error.html", {"status": 403}, status=403)


def not_found(request: HttpRequest, exception=None):
    if _is_api(request):
        return problem(ErrorCode.NOT_FOUND)
    return render(request, "core/error.html", {"status": 404}, status=404)


def server_error(request: HttpRequest):
    # No template context processors: the failure may be in one of them.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("core/500.html").render())
