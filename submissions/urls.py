app_name = "submissions"
urlpatterns = []
