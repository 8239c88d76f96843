from django.urls import path

from yankao.counter import views

app_name = "counter"

urlpatterns = [
    path("counter/legal/", views.public_sessions, name="public-sessions"),
    path("counter/legal/<int:session_id>/book/", views.public_book, name="public-book"),
    path("counter/legal/cancel/", views.public_cancel, name="public-cancel"),
    path("staff/counter/", views.staff_home, name="staff-home"),
    path("staff/counter/sessions/new/", views.session_new, name="session-new"),
    path("staff/counter/sessions/<int:session_id>/", views.session_detail, name="session"),
    path("staff/counter/bookings/<str:number>/<str:action>/", views.booking_action,
         name="booking-action"),
    path("staff/counter/visits/", views.visit_new, name="visit-new"),
]
