from django.urls import path

from yankao.participation import views

app_name = "participation"

urlpatterns = [
    path("participation/", views.public_index, name="public-index"),
    path("participation/<slug:process>/<slug:pot>/", views.public_pot, name="public-pot"),
    path("participation/<slug:process>/<slug:pot>/vote/", views.public_vote, name="public-vote"),
    path("participation/<slug:process>/<slug:pot>/voted/", views.public_voted,
         name="public-voted"),
    path("participation/<slug:process>/<slug:pot>/results/", views.public_results,
         name="public-results"),
    path("staff/participation/", views.home, name="home"),
    path("staff/participation/pots/<int:pot_id>/", views.pot_detail, name="pot"),
    path("staff/participation/pots/<int:pot_id>/<slug:action>/", views.pot_action,
         name="pot-action"),
    path("staff/participation/pots/<int:pot_id>/export.pb", views.pot_export,
         name="pot-export"),
    path("staff/participation/tallies/<int:tally_id>/", views.tally_detail, name="tally"),
]
