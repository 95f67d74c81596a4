from django.core.management.base import BaseCommand, CommandError

from organizations.models import Organization
from submissions import services


class Command(BaseCommand):
    help = (
        "Create a Submissions API token for the registry with this registry ID and print it "
        "(alone on the last line; it is shown once, only its digest is kept)."
    )

    def add_arguments(self, parser):
        parser.add_argument("registry_id", help="The registry's ID, e.g. QR0042.")
        parser.add_argument("--label", default="Command line", help="A name for the token.")

    def handle(self, *args, registry_id, label, **options):
        registry = Organization.objects.filter(
            kind=Organization.Kind.REGISTRY, registry_id=registry_id
        ).first()
        if registry is None:
            raise CommandError(f"No registry has the registry ID {registry_id!r}.")
        label = label.strip()[:100] or "Command line"
        token, secret = services.create_api_token(organization=registry, label=label)
        self.stdout.write(
            f"Created token {token.prefix}… ({label}) for {registry.legal_business_name} "
            f"({registry.registry_id}). Keep it secret; it is not shown again:"
        )
        self.stdout.write(secret)
