app_name = "submissions_api"
urlpatterns = []
