"""Benchmark the members page from 10 to 10,000 members, and the organization pages from
1,000 to 100,000 practices, against a bare Django view in the same run.

    python bench/members.py [--requests 40] [--sizes 10,100,1000,10000]

Production settings (bench/bench_settings.py, as bench/pages.py sets them up), PostgreSQL
(DATABASE_URL, default the local database qpp_bench_members, created if missing and emptied
of people and organizations on every run) and Redis (REDIS_URL, default database 5: another
database's two-factor device ids must not meet this one's in the device cache).

For each size, one practice has that many active members (Security Officials, Staff Users
and Clinicians whose clinicians bill under it) and a tenth as many pending requests. Every
other practice has one to three people of a shared pool, as most practices do: PostgreSQL
plans a prepared query for any organization from the average organization, and a table
where four practices held every membership made that average thousands. Signed
in as its Security Official with a verified second factor, django.test.Client fetches the
members page's first and middle pages and the bare view at /bare/, in alternating rounds.
Prints p50/p95, the query count and the response size of each page and its p50 as a ratio
to the bare view's; then the query counts and ratios of the organization page and a members
page with 1,000 and with 100,000 practices in the organizations table, and the plan of the
member query at the largest size, planned for that organization and prepared for any.
"Flat" means within FLAT times. Figures are printed,
never asserted.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/qpp_bench_members"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"
FLAT = 1.5
WARM_UP = 5
PENDING_SHARE = 0.10
CLINICIAN_SHARE = 0.30
OFFICIALS = 2
PRACTICE_COUNTS = (1_000, 100_000)
# The members page of this size is the one measured against the practice count.
PRACTICES_MEMBER_SIZE = 100
BATCH = 5_000
# The people of the other practices: each has one to SMALL_PRACTICE_PEOPLE of them.
POOL = 1_000
SMALL_PRACTICE_PEOPLE = 3
# Member organizations' TINs start here, above the filler practices' 100000000 + n.
MEMBER_TIN_BASE = 900_000_000


def prepare(database_url):
    """Point Django at the benchmark database with production settings, migrate and
    collect static files (the manifest storage needs them to render a page)."""
    from pages import environment
    from search_practices import ensure_database

    env = {
        **environment(database_url),
        "REDIS_URL": os.environ.get("REDIS_URL", DEFAULT_REDIS_URL),
    }
    ensure_database(database_url)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def empty_tables():
    """Start every run from no people and no organizations (memberships, enrolments,
    devices and sessions go with them)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE accounts_user, organizations_organization, organizations_clinician, "
            "django_session CASCADE"
        )


def add_practices(start, stop, rng, pool):
    """Bulk-create practices numbered ``start`` to ``stop`` in the factories' shapes, with
    the synthetic generator's names, each with a few active members from ``pool``."""
    from django.utils import timezone

    from organizations.models import Organization
    from organizations.synthetic import LAST_NAMES, PLACES, SERVICES, SUFFIXES
    from roles.capabilities import Role
    from roles.models import Membership, member_sort_name_for

    def practice(n):
        name = f"{rng.choice(PLACES + LAST_NAMES)} {rng.choice(SERVICES)} {rng.choice(SUFFIXES)}"
        return Organization(
            kind=Organization.Kind.PRACTICE,
            legal_business_name=name.strip(),
            tin=f"{100_000_000 + n:09d}",
            street_address=f"{rng.randrange(1, 9900)} Main St",
            city="Springfield",
            state="IL",
            zip_code="62701",
        )

    decided_at = timezone.now()
    for first in range(start, stop, BATCH):
        practices = Organization.objects.bulk_create(
            practice(n) for n in range(first, min(first + BATCH, stop))
        )
        Membership.objects.bulk_create(
            Membership(
                user=user,
                organization=organization,
                role=Role.SECURITY_OFFICIAL if index == 0 else Role.STAFF_USER,
                status=Membership.Status.ACTIVE,
                decided_at=decided_at,
                member_sort_name=member_sort_name_for(user),
            )
            for organization in practices
            for index, user in enumerate(rng.sample(pool, rng.randint(1, SMALL_PRACTICE_PEOPLE)))
        )


class People:
    """Makes people in bulk: one password and challenge-answer hash for all of them, since
    nobody signs in with a password here (Argon2 ten thousand times would take minutes)."""

    def __init__(self, rng):
        from django.contrib.auth.hashers import make_password

        from organizations.synthetic import FIRST_NAMES, LAST_NAMES

        self.rng = rng
        self.first_names, self.last_names = FIRST_NAMES, LAST_NAMES
        self.password = make_password("Bench.Members7Only")
        self.answer = make_password("rex the dog")
        self.count = 0

    def create(self, number):
        from django.utils import timezone

        from accounts.models import User

        now = timezone.now()
        users = []
        for _ in range(number):
            self.count += 1
            first, last = self.rng.choice(self.first_names), self.rng.choice(self.last_names)
            username = f"member{self.count:06d}"
            users.append(
                User(
                    username=username,
                    password=self.password,
                    first_name=first,
                    last_name=last,
                    proofed_first_name=first,
                    proofed_last_name=last,
                    email=f"{username}@example.com",
                    phone="+12025550143",
                    street_address="1600 Pennsylvania Ave NW",
                    city="Washington",
                    state="DC",
                    zip_code="20500",
                    identity_status=User.IdentityStatus.VERIFIED,
                    identity_verified_at=now,
                    terms_version="2026-01",
                    terms_accepted_at=now,
                    challenge_question=User.ChallengeQuestion.FIRST_PET,
                    challenge_answer=self.answer,
                    last_login=now,
                )
            )
        return User.objects.bulk_create(users, batch_size=BATCH)


def pending_count(size):
    return max(1, round(size * PENDING_SHARE))


def add_member_organization(size, people, rng, clinician_numbers):
    """Create a practice with ``size`` active members and a tenth as many pending requests;
    return it and its first Security Official."""
    from django.utils import timezone

    from organizations.models import Clinician, Enrolment, Organization
    from organizations.validators import npi_check_digit
    from roles.capabilities import Role
    from roles.models import Membership, member_sort_name_for

    organization = Organization.objects.create(
        kind=Organization.Kind.PRACTICE,
        legal_business_name=f"Bench Members {size} Medical Group",
        tin=f"{MEMBER_TIN_BASE + size:09d}",
        street_address="100 Main St",
        city="Springfield",
        state="IL",
        zip_code="62701",
    )
    users = people.create(size + pending_count(size))
    members, waiting = users[:size], users[size:]
    now = timezone.now()
    memberships, clinicians, enrolments = [], [], []
    for index, user in enumerate(members):
        role, clinician = Role.STAFF_USER, None
        if index < OFFICIALS:
            role = Role.SECURITY_OFFICIAL
        elif rng.random() < CLINICIAN_SHARE:
            number = next(clinician_numbers)
            first_nine = f"1{number:08d}"
            role = Role.CLINICIAN
            clinician = Clinician(
                npi=first_nine + str(npi_check_digit(first_nine)),
                first_name=user.first_name,
                last_name=user.last_name,
                specialty="Family Practice",
            )
            clinicians.append(clinician)
            enrolments.append(
                Enrolment(clinician=clinician, practice=organization, ptan=f"P{number:07d}")
            )
        memberships.append(
            Membership(
                user=user,
                organization=organization,
                role=role,
                status=Membership.Status.ACTIVE,
                clinician=clinician,
                decided_at=now - timedelta(days=rng.randrange(1, 1500)),
                # bulk_create skips Membership.save(), which sets it otherwise.
                member_sort_name=member_sort_name_for(user),
            )
        )
    Clinician.objects.bulk_create(clinicians, batch_size=BATCH)
    Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
    memberships += [
        Membership(
            user=user,
            organization=organization,
            role=Role.STAFF_USER,
            status=Membership.Status.PENDING,
            awaiting=Membership.Awaiting.SECURITY_OFFICIAL,
            expires_at=now + timedelta(days=rng.randrange(1, 30)),
            member_sort_name=member_sort_name_for(user),
        )
        for user in waiting
    ]
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    return organization, members[0]


def signed_in_client(official):
    """Return a django.test.Client holding a real session of ``official``, past the
    second factor."""
    from django.conf import settings
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from pages import verified_session_key

    device = TOTPDevice.objects.create(user=official, name="Authenticator app", confirmed=True)
    official.default_device = device.persistent_id
    official.save(update_fields=["default_device"])
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = verified_session_key(official, device)
    return client


def measure(client, url, requests):
    """Fetch ``url`` and the bare view in alternating rounds; return a dict of the page's
    p50/p95 and the bare view's p50 (ms), the page's query count, the time its queries took
    in one request (ms) and its size in bytes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from search_practices import percentile

    for _ in range(WARM_UP):
        client.get(url)
        client.get("/bare/")
    # Counted apart from the timed rounds: capturing queries slows every one of them.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Read now: the next request's request_started signal empties the log it slices.
    query_count = len(queries)
    sql_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    page, bare = [], []
    for _ in range(requests):
        started = time.perf_counter()
        client.get("/bare/")
        between = time.perf_counter()
        client.get(url)
        page.append((time.perf_counter() - between) * 1000)
        bare.append((between - started) * 1000)
    bare_p50 = statistics.median(bare)
    p50 = statistics.median(page)
    return {
        "p50": p50,
        "p95": percentile(page, 0.95),
        "bare": bare_p50,
        "ratio": p50 / bare_p50,
        "queries": query_count,
        "sql": sql_ms,
        "bytes": len(response.content),
    }


def members_url(organization, page=None):
    from django.urls import reverse

    url = reverse("roles:organization_access", args=[organization.pk])
    return f"{url}?page={page}" if page else url


def middle_page(size):
    from roles.views import MEMBERS_PER_PAGE

    pages = -(-size // MEMBERS_PER_PAGE)
    return (pages + 1) // 2, pages


def analyze():
    """Vacuum (an index-only scan skips the table only for pages vacuumed since they last
    changed, as autovacuum keeps a real database) and gather the planner's statistics."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def figures(result):
    return (
        f"{result['queries']:>8} {result['sql']:>7.1f} {result['p50']:>7.1f} "
        f"{result['p95']:>7.1f} {result['bare']:>9.2f} {result['ratio']:>6.1f}x"
    )


def flatness(label, smallest, largest):
    """Say how the largest case's ratio to the bare view compares with the smallest's."""
    growth = largest["ratio"] / smallest["ratio"]
    verdict = "flat" if growth <= FLAT else "NOT flat"
    queries = "same" if largest["queries"] == smallest["queries"] else "NOT the same"
    return (
        f"{label}: time {growth:.2f}x ({verdict}), "
        f"queries {smallest['queries']} -> {largest['queries']} ({queries})"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--sizes", default="10,100,1000,10000")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    prepare(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))

    from django.urls import reverse

    from roles import selectors
    from roles.views import MEMBERS_PER_PAGE
    from tests.postgresql_plans import explain_prepared

    rng = random.Random(args.seed)  # noqa: S311 - reproducible data, not secrets
    started = time.perf_counter()
    empty_tables()
    people = People(rng)
    clinician_numbers = iter(range(10**8))
    organizations = {
        size: add_member_organization(size, people, rng, clinician_numbers) for size in sizes
    }
    pool = people.create(POOL)
    add_practices(0, PRACTICE_COUNTS[0] - len(sizes), rng, pool)
    analyze()
    print(
        f"Created {people.count:,} people and {len(sizes)} member practices "
        f"in {time.perf_counter() - started:.1f} s"
    )

    # The same two pages with 1,000 practices in the table, then 100,000.
    organization, official = organizations.get(PRACTICES_MEMBER_SIZE, organizations[sizes[0]])
    client = signed_in_client(official)
    organization_pages = [
        ("organization page", reverse("roles:organization", args=[organization.pk])),
        (
            f"members page ({organization.memberships.filter(status='active').count():,})",
            members_url(organization),
        ),
    ]
    by_practices = {}
    for index, count in enumerate(PRACTICE_COUNTS):
        if index:
            started = time.perf_counter()
            add_practices(PRACTICE_COUNTS[index - 1] - len(sizes), count - len(sizes), rng, pool)
            analyze()
            print(f"Added practices up to {count:,} in {time.perf_counter() - started:.1f} s")
        for label, url in organization_pages:
            by_practices[count, label] = measure(client, url, args.requests)

    # The members page by the organization's size, with 100,000 practices in the table.
    by_members = {}
    for size in sizes:
        organization, official = organizations[size]
        client = signed_in_client(official)
        middle, pages = middle_page(size)
        for label, page in (("first", None), ("middle", middle)):
            result = measure(client, members_url(organization, page), args.requests)
            by_members[size, label] = {**result, "page": f"{page or 1} of {pages}"}

    # sql ms: the queries of the one request counted, to the millisecond Django logs.
    columns = f"{'queries':>8} {'sql ms':>7} {'p50':>7} {'p95':>7} {'bare p50':>9} {'ratio':>7}"
    print(
        f"\nMembers page, {PRACTICE_COUNTS[-1]:,} practices in the table, {args.requests} "
        f"requests each, alternating with the bare view (ms)"
    )
    print(f"{'members':>8} {'pending':>8} {'page':>11} {'bytes':>9} {columns}")
    for (size, _label), result in by_members.items():
        print(
            f"{size:>8,} {pending_count(size):>8,} {result['page']:>11} {result['bytes']:>9,} "
            f"{figures(result)}"
        )
    for label in ("first", "middle"):
        largest = by_members[sizes[-1], label]
        print(
            flatness(
                f"{label} page, {sizes[-1]:,} members vs {sizes[0]:,}",
                by_members[sizes[0], label],
                largest,
            )
        )
        # A small organization's page holds fewer rows: this separates what the rows on the
        # page cost from what the rows in the database cost.
        as_full = next(
            size for size in sizes if by_members[size, label]["bytes"] >= 0.9 * largest["bytes"]
        )
        if as_full not in (sizes[0], sizes[-1]):
            print(
                flatness(
                    f"{label} page, {sizes[-1]:,} members vs {as_full:,} (as many rows shown)",
                    by_members[as_full, label],
                    largest,
                )
            )

    print(f"\nOrganization pages by practices in the table, {args.requests} requests each (ms)")
    print(f"{'practices':>10} {'page':<22} {columns}")
    for (count, label), result in by_practices.items():
        print(f"{count:>10,} {label:<22} {figures(result)}")
    for label, _url in organization_pages:
        print(
            flatness(
                f"{label}, {PRACTICE_COUNTS[-1]:,} practices vs {PRACTICE_COUNTS[0]:,}",
                by_practices[PRACTICE_COUNTS[0], label],
                by_practices[PRACTICE_COUNTS[-1], label],
            )
        )

    organization, _official = organizations[sizes[-1]]
    offset = (middle_page(sizes[-1])[0] - 1) * MEMBERS_PER_PAGE
    members = selectors.organization_members(organization).page_query(
        slice(offset, offset + MEMBERS_PER_PAGE)
    )
    print(f"\nEXPLAIN ANALYZE, the member query of the middle page at {sizes[-1]:,} members:")
    print(members.explain(analyze=True))
    print("\nThe same, prepared for any organization:")
    rows = explain_prepared(members, options="ANALYZE")
    print("\n".join(row[0] for row in rows))


if __name__ == "__main__":
    main()
