from django.core.management.base import BaseCommand

from roles import selectors, services


class Command(BaseCommand):
    help = (
        "Expire pending role requests older than ROLE_REQUEST_EXPIRY_DAYS and email each "
        "requester. Run daily."
    )

    def handle(self, *args, **options):
        count = services.expire_role_requests()
        self.stdout.write(
            f"Expired {count} pending request{'s' if count != 1 else ''} "
            f"(requests live {selectors.request_expiry_days()} days)."
        )
