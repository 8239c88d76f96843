"""Error pages in the site's own layout; API and protocol paths get their own format
(:mod:`yankao.core.protocols`)."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest
from django.utils.translation import gettext as _

from yankao.core.protocols import refusal


def bad_request(request: HttpRequest, exception=None):
    if isinstance(exception, RequestDataTooBig):
        return refusal(request, 413, _("The request is larger than this server accepts."))
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return refusal(request, 400, _("The request has more fields or files than this "
                                       "server accepts."))
    return refusal(request, 400, _("The request could not be read."))


def forbidden(request: HttpRequest, exception=None):
    return refusal(request, 403, str(exception) if exception and str(exception) else "")


def not_found(request: HttpRequest, exception=None):
    return refusal(request, 404, "")


def server_error(request: HttpRequest):
    # No template context processors: the failure may be in one of them.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("core/500.html").render())
