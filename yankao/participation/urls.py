from django.urls import path

from yankao.participation import views, views_awards, views_staff

app_name = "participation"

urlpatterns = [
    path("participation/", views.public_index, name="public-index"),
    path("participation/awards/<int:year>/", views_awards.public_awards, name="public-awards"),
    path("participation/<slug:process>/<slug:pot>/", views.public_pot, name="public-pot"),
    path("participation/<slug:process>/<slug:pot>/vote/", views.public_vote, name="public-vote"),
    path("participation/<slug:process>/<slug:pot>/voted/", views.public_voted,
         name="public-voted"),
    path("participation/<slug:process>/<slug:pot>/results/", views.public_results,
         name="public-results"),
    path("staff/participation/", views.home, name="home"),
    path("staff/participation/new/<slug:kind>/", views_staff.record_new, name="record-new"),
    path("staff/participation/pots/<int:pot_id>/", views.pot_detail, name="pot"),
    path("staff/participation/pots/<int:pot_id>/<slug:action>/", views.pot_action,
         name="pot-action"),
    path("staff/participation/pots/<int:pot_id>/export.pb", views.pot_export,
         name="pot-export"),
    path("staff/participation/tallies/<int:tally_id>/", views.tally_detail, name="tally"),
    path("staff/participation/awards/", views_awards.rounds, name="award-rounds"),
    path("staff/participation/awards/<int:year>/", views_awards.round_detail,
         name="award-round"),
    path("staff/participation/awards/<int:year>/<slug:action>/", views_awards.round_action,
         name="award-round-action"),
    path("staff/participation/awards/<int:year>/proposals/<int:number>/",
         views_awards.proposal_detail, name="award-proposal"),
    path("staff/participation/awards/<int:year>/proposals/<int:number>/<slug:action>/",
         views_awards.proposal_action, name="award-proposal-action"),
]
