from django.urls import path

from yankao.assistant import views

app_name = "assistant"

urlpatterns = [
    path("assistant/", views.chat, name="chat"),
    path("assistant/ask/", views.ask, name="ask"),
    path("assistant/exchanges/<int:exchange_id>/feedback/", views.feedback, name="feedback"),
    path("assistant/restart/", views.restart, name="restart"),
    path("assistant/person/", views.handover, name="handover"),
    path("staff/assistant/", views.staff_home, name="staff-home"),
    path("staff/assistant/faq/", views.faq_list, name="faq-list"),
    path("staff/assistant/faq/new/", views.faq_edit, name="faq-new"),
    path("staff/assistant/faq/<int:entry_id>/", views.faq_edit, name="faq-edit"),
    path("staff/assistant/faq/<int:entry_id>/retire/", views.faq_retire, name="faq-retire"),
    path("staff/assistant/synonyms/", views.synonyms, name="synonyms"),
    path("staff/assistant/misses/resolve/", views.miss_resolve, name="miss-resolve"),
]
