from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "sandbox"
    verbose_name = "Sandbox (development and testing only)"

    def ready(self):
        from django.contrib.auth import user_logged_in
        from django.contrib.auth.models import update_last_login

        from qpp_portal import clock

        def update_last_login_on_clock(sender, user, **kwargs):
            """Stamp sign-ins with the simulated date, or the dormancy rule (60 days since the
            last sign-in) would see a person who signed in today as gone for weeks."""
            user.last_login = clock.now()
            user.save(update_fields=["last_login"])

        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(update_last_login_on_clock, dispatch_uid="update_last_login")
