app_name = "roles"
urlpatterns = []
