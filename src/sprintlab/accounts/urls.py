"""Account pages under /accounts/ and public people pages under /people/.

Mounted at the site root (one include) so that every page keeps the ``accounts:`` namespace.
"""

from django.urls import path

from sprintlab.accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/profile/", views.profile_edit, name="profile"),
    path("accounts/tokens/", views.api_tokens, name="tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views.api_token_revoke, name="token_revoke"),
    path("people/<int:pk>/", views.public_profile, name="public_profile"),
]
