app_name = "teamfinder"

urlpatterns: list = []
