"""The citizen's pages: report from the map, track, my reports, public reports with their
updates and feeds, following by e-mail, unsubscribing, the survey link."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.ratelimit import rate_limit
from yankao.core.views import attachment_response
from yankao.servicedesk import forms, selectors, services
from yankao.servicedesk.models import Case, Channel, Subscription
from yankao.servicedesk.selectors import citizen as public
from yankao.servicedesk.services import citizen as citizen_services
from yankao.servicedesk.services.policy import location_check, nearest_district

TRACKED_SESSION_KEY = "servicedesk_tracked"
# Cases followed from their public page: listed in "my reports", but opened only on the
# public page (following gives no access to the reporter's text, photos or place).
FOLLOWED_SESSION_KEY = "servicedesk_followed"


def _remember(request: HttpRequest, number: str, key: str = TRACKED_SESSION_KEY) -> None:
    """Keep the case in this browser's "my reports" (and, when tracked, open for tracking)."""
    kept = [n for n in request.session.get(key, []) if n != number]
    request.session[key] = [*kept, number][-50:]


def _place(form: forms.PlaceForm):
    """(latitude, longitude, district, address) of a valid place form; raises DomainError
    with the field at fault."""
    data = form.cleaned_data
    lat, lng = location_check(data.get("lat"), data.get("lng"))
    district = data.get("district")
    if lat is not None:
        found = nearest_district(lat, lng)
        if found is None:
            raise DomainError(ErrorCode.INVALID, _("That point is outside the city: choose a "
                                                   "place inside it."), field="lat")
        district = found
    elif not (data.get("address") or "").strip():
        raise DomainError(ErrorCode.INVALID, _("Put a pin on the map or type an address."),
                          field="address")
    elif district is None:
        raise DomainError(ErrorCode.INVALID, _("Choose the district of the address."),
                          field="district")
    return lat, lng, district, (data.get("address") or "").strip()


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """Report a problem in three steps (FixMyStreet's model): the place on the map, what it
    is (topics in plain words), then the details — with the open reports nearby first."""
    place_form = forms.PlaceForm(request.GET or None)
    context = {"place_form": place_form, "step": "place"}
    if not request.GET or "change" in request.GET or not place_form.is_valid():
        return render(request, "servicedesk/report.html", context,
                      status=422 if place_form.is_bound and place_form.errors else 200)
    try:
        lat, lng, district, address = _place(place_form)
    except DomainError as error:
        place_form.add_error(error.field if error.field in place_form.fields else None,
                             error.message)
        return render(request, "servicedesk/report.html", context, status=422)
    place = {"lat": lat, "lng": lng, "district": district, "address": address,
             "query": request.GET.copy()}
    place["query"].pop("topic", None)
    place["query"].pop("q", None)
    context.update(place=place, step="topic")
    topic = public.topic_get(code=request.GET.get("topic", "")) if request.GET.get("topic") \
        else None
    if topic is None:
        query = (request.GET.get("q") or "").strip()[:50]
        context.update(groups=public.topic_groups(district=district, query=query), q=query)
        return render(request, "servicedesk/report.html", context)
    details = forms.DetailsForm(request.POST or None, request.FILES or None,
                                initial={"submission_key": uuid.uuid4().hex})
    context.update(step="details", topic=topic, details=details,
                   nearby=public.nearby_public_reports(category=topic.category, latitude=lat,
                                                       longitude=lng) if lat is not None
                   else [],
                   follow_form=forms.FollowForm())
    if request.method == "POST":
        try:
            rate_limit(request, group="servicedesk-report", rate="10/h")
        except DomainError as error:
            context["error"] = error.message
            return render(request, "servicedesk/report.html", context, status=error.status)
        if details.is_valid():
            data = details.cleaned_data
            try:
                case, password = services.case_register(
                    actor=None, actor_label="citizen", category=topic.category,
                    description=data["description"], channel=Channel.WEB, latitude=lat,
                    longitude=lng, address=address, district=district,
                    reporter_name=data["name"], reporter_phone=data["phone"],
                    reporter_email=data["email"], photos=data["photos"], with_password=True,
                    submission_key=f"web:{data['submission_key']}",
                    language=get_language())
            except DomainError as error:
                details.add_error(error.field if error.field in details.fields else None,
                                  error.message)
            else:
                _remember(request, case.number)
                return render(request, "servicedesk/citizen_done.html", {
                    "case": case, "password": password, "repeat": not password,
                    "topic": topic, "due": public.answer_due(case=case),
                    "photos": public.case_photos(case=case, public_only=False).count(),
                    "email": bool(data["email"]),
                    "pins_id": "done-pins",
                    "pins": public.map_pins([case], lambda c: ""),
                })
        return render(request, "servicedesk/report.html", context, status=422)
    return render(request, "servicedesk/report.html", context)


@require_POST
def follow_case(request: HttpRequest, number: str) -> HttpResponse:
    """Follow a public report by e-mail (from its page, or instead of reporting it again)."""
    case = public.public_case_get(number=number)
    if case is None:
        raise Http404
    form = forms.FollowForm(request.POST)
    try:
        rate_limit(request, group="servicedesk-follow", rate="20/h")
        if not form.is_valid():
            raise DomainError(ErrorCode.INVALID, " ".join(form.errors.get("email", [])))
        citizen_services.follow_request(case=case, email=form.cleaned_data["email"],
                                        language=get_language())
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("servicedesk:public-case", number=case.number)
    _remember(request, case.number, FOLLOWED_SESSION_KEY)
    return render(request, "servicedesk/follow_sent.html", {"case": case})


@require_POST
def follow_district(request: HttpRequest, code: str) -> HttpResponse:
    district = public.district_get(code=code)
    if district is None:
        raise Http404
    form = forms.FollowForm(request.POST)
    try:
        rate_limit(request, group="servicedesk-follow", rate="20/h")
        if not form.is_valid():
            raise DomainError(ErrorCode.INVALID, " ".join(form.errors.get("email", [])))
        citizen_services.follow_request(district=district, email=form.cleaned_data["email"],
                                        language=get_language())
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(f"{reverse('servicedesk:public-list')}?district={district.code}")
    return render(request, "servicedesk/follow_sent.html", {"district": district})


@require_GET
def follow_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscription = citizen_services.follow_confirm(token=token)
    except DomainError as error:
        return render(request, "servicedesk/subscription.html", {"error": error.message},
                      status=error.status)
    return render(request, "servicedesk/subscription.html",
                  {"subscription": subscription, "confirmed": True})


@csrf_exempt  # RFC 8058: a mail program POSTs here without a form; the token is the secret
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click: the link shows a single button; a mail program's one-click POST lands
    here too. Unsubscribing twice says so and changes nothing."""
    subscription = public.subscription_by_token(token=token)
    if subscription is None:
        return render(request, "servicedesk/subscription.html",
                      {"error": _("This link is not valid.")}, status=404)
    if request.method == "POST":
        try:
            subscription = citizen_services.unsubscribe(token=token)
        except DomainError as error:
            return render(request, "servicedesk/subscription.html",
                          {"subscription": subscription, "error": error.message},
                          status=error.status)
        return render(request, "servicedesk/subscription.html",
                      {"subscription": subscription, "stopped": True})
    return render(request, "servicedesk/subscription.html",
                  {"subscription": subscription, "ask": subscription.status in (
                      Subscription.Status.ACTIVE, Subscription.Status.PENDING)})


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    """公開案件: every public report, on a map and in a list, with its status."""
    district = public.district_get(code=request.GET.get("district", "")) \
        if request.GET.get("district") else None
    status = request.GET.get("status", "")
    filters = public.PublicFilters(district=district,
                                   status=status if status in ("open", "closed") else "",
                                   query=(request.GET.get("q") or "").strip()[:50])
    page = public.public_case_page(filters=filters, page=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "servicedesk/public_list.html", {
        "page": page, "filters": filters, "districts": public.district_list(),
        "query": query.urlencode(), "follow_form": forms.FollowForm(),
        "pins": public.map_pins(page.object_list, lambda c: reverse(
            "servicedesk:public-case", args=[c.number])),
    })


@require_GET
def public_case(request: HttpRequest, number: str) -> HttpResponse:
    case = public.public_case_get(number=number)
    if case is None:
        raise Http404
    return render(request, "servicedesk/public_case.html", {
        "case": case, "description": citizen_services.public_description(case),
        "updates": [(u, citizen_services.public_update_text(u))
                    for u in public.public_updates(case=case)],
        "photos": public.case_photos(case=case, public_only=True),
        "follow_form": forms.FollowForm(),
        "pins": public.map_pins([case], lambda c: ""),
    })


@require_GET
def public_file(request: HttpRequest, number: str, file_uuid) -> HttpResponse:
    case = public.public_case_get(number=number)
    attachment = public.case_photos(case=case, public_only=True).filter(uuid=file_uuid) \
        .first() if case else None
    if attachment is None:
        raise Http404
    return attachment_response(attachment)


@require_GET
def my_reports(request: HttpRequest) -> HttpResponse:
    """我的案件: the reports made or tracked in this browser."""
    tracked = request.session.get(TRACKED_SESSION_KEY, [])
    return render(request, "servicedesk/my_reports.html", {
        "cases": public.cases_by_numbers(numbers=tracked),
        "followed": [case for case in public.cases_by_numbers(
            numbers=request.session.get(FOLLOWED_SESSION_KEY, []))
            if case.number not in tracked and citizen_services.is_public(case)]})


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Track a case with its number and password; the case stays open in this session."""
    form = forms.TrackForm(request.POST or None)
    if request.method == "POST":
        try:
            rate_limit(request, group="servicedesk-track", rate="20/h")
        except DomainError as error:
            return render(request, "servicedesk/citizen_track.html",
                          {"form": form, "error": error.message}, status=error.status)
        if form.is_valid():
            try:
                case = selectors.citizen_case_get(number=form.cleaned_data["number"],
                                                  password=form.cleaned_data["password"])
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                _remember(request, case.number)
                return redirect("servicedesk:citizen-case", number=case.number)
        return render(request, "servicedesk/citizen_track.html", {"form": form}, status=422)
    return render(request, "servicedesk/citizen_track.html", {"form": form})


def _tracked_case(request: HttpRequest, number: str) -> Case:
    if number not in request.session.get(TRACKED_SESSION_KEY, []):
        raise Http404
    case = public.cases_by_numbers(numbers=[number])
    if not case:
        raise Http404
    return case[0]


def _answers(updates):
    return [u for u in updates if u.kind == "answered"]


@require_http_methods(["GET", "POST"])
def tracked_case(request: HttpRequest, number: str) -> HttpResponse:
    """The citizen's own case: what they reported (description, photos, place), every
    public update, the agency's answer, and the closing note apart; the survey once closed
    and the supplement form while one is asked for."""
    case = _tracked_case(request, number)
    survey_form, supplement_form = forms.SurveyForm(), forms.SupplementForm()
    status = 200
    if request.method == "POST":
        try:
            if "score" in request.POST:
                survey_form = forms.SurveyForm(request.POST)
                if survey_form.is_valid():
                    services.survey_answer(case=case, **survey_form.cleaned_data)
                    messages.success(request, _("Thank you for your answer."))
                    return redirect("servicedesk:citizen-case", number=case.number)
            else:
                supplement_form = forms.SupplementForm(request.POST)
                if supplement_form.is_valid():
                    services.supplement_provide(case=case, **supplement_form.cleaned_data)
                    messages.success(request, _("Your information is added to the case."))
                    return redirect("servicedesk:citizen-case", number=case.number)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("servicedesk:citizen-case", number=case.number)
        status = 422
    updates = list(public.public_updates(case=case))
    closing = next((u for u in reversed(updates) if u.kind in ("closed", "merged", "filed")),
                   None)
    return render(request, "servicedesk/citizen_case.html", {
        "case": case, "updates": updates, "answers": _answers(updates), "closing": closing,
        "photos": public.case_photos(case=case, public_only=False),
        "survey": getattr(case, "survey", None) if hasattr(case, "survey") else None,
        "survey_form": survey_form, "supplement_form": supplement_form,
        "pins": public.map_pins([case], lambda c: ""), "due": public.answer_due(case=case),
    }, status=status)


@require_GET
def tracked_file(request: HttpRequest, number: str, file_uuid) -> HttpResponse:
    case = _tracked_case(request, number)
    attachment = public.case_photos(case=case, public_only=False).filter(uuid=file_uuid).first()
    if attachment is None:
        raise Http404
    return attachment_response(attachment)


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The survey from the closing e-mail's link (no password needed: the link is signed)."""
    number = citizen_services.survey_case_number(token)
    case = public.cases_by_numbers(numbers=[number])[0] if number and \
        public.cases_by_numbers(numbers=[number]) else None
    if case is None:
        return render(request, "servicedesk/subscription.html",
                      {"error": _("This link is not valid.")}, status=404)
    form = forms.SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(case=case, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you for your answer."))
        return redirect("servicedesk:survey", token=token)
    return render(request, "servicedesk/survey.html", {
        "case": case, "form": form, "survey": getattr(case, "survey", None)
        if hasattr(case, "survey") else None}, status=422 if form.errors else 200)


class _UpdatesFeed(Feed):
    feed_type = Atom1Feed

    def item_title(self, update):
        return f"{update.case.number} · {update.get_kind_display()}"

    def item_description(self, update):
        return citizen_services.public_update_text(update) or update.get_kind_display()

    def item_link(self, update):
        return reverse("servicedesk:public-case", args=[update.case.number]) + \
            f"#update-{update.pk}"

    def item_pubdate(self, update):
        return update.created_at

    def item_guid(self, update):
        return f"yankao:case-update:{update.pk}"

    item_guid_is_permalink = False


class CaseFeed(_UpdatesFeed):
    """The Atom feed of one public report: its public updates."""

    def get_object(self, request, number):
        case = public.public_case_get(number=number)
        if case is None:
            raise Http404
        return case

    def title(self, case):
        return _("Case %(number)s") % {"number": case.number}

    def link(self, case):
        return reverse("servicedesk:public-case", args=[case.number])

    def items(self, case):
        return list(public.public_updates(case=case).select_related("case"))[-50:]


class DistrictFeed(_UpdatesFeed):
    """The Atom feed of a district: the public updates of its reports, newest first."""

    def get_object(self, request, code):
        district = public.district_get(code=code)
        if district is None:
            raise Http404
        return district

    def title(self, district):
        return _("Reports in %(district)s") % {"district": district.name}

    def link(self, district):
        return f"{reverse('servicedesk:public-list')}?district={district.code}"

    def items(self, district):
        return list(public.district_updates(district=district))


