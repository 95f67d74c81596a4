"""Benchmark the Submissions API: validate + store + score a 6-measure quality set.

    python bench/submissions.py [--sizes 100,1000,10000,100000] [--requests 200]

For each size, fills the submissions tables of the database named by DATABASE_URL (default:
the local PostgreSQL database qpp_bench, created if missing) with that many stored
submissions (each with a 6-measure quality set from a registry), then sends, through the
whole Django request stack (WSGI handler, every middleware, token authentication):

- POST /api/submissions/measurement-sets with a new entity's 6-measure quality set
  (validate + store), then GET /api/submissions/submissions/<id>/score (score);
- GET /bench/hello/, a bare Django view, in the same run: the machine is shared and noisy,
  so the figure that matters is the ratio to it.

Prints p50/p95 in milliseconds per size and the ratios; "flat" means the p50 at the largest
size is within 1.5x of the smallest (printed at the end).
"""

import argparse
import importlib.util
import os
import random
import sys
import time
import types
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/qpp_bench"
YEAR = 2025
BATCH = 2_000
WARM_UP = 30


def ensure_database(url):
    """Create the benchmark database if missing (the practice-search benchmark's helper)."""
    spec = importlib.util.spec_from_file_location(
        "search_practices", ROOT / "bench" / "search_practices.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.ensure_database(url)


def quality_measures():
    """Return six MIPS CQMs of the year with registry benchmarks, single-rate."""
    from submissions import catalogue

    chosen = [
        m.measure_id
        for m in catalogue.measures_of_category(YEAR, "quality")
        if m.metric_type == "singlePerformanceRate"
        and "registry" in m.submission_methods
        and catalogue.benchmark(YEAR, m.measure_id, "registry")
    ]
    return chosen[:6]


def measurement(measure_id, rng):
    eligible = rng.randint(40, 400)
    met = rng.randint(0, eligible - 5)
    return {
        "measureId": measure_id,
        "value": {
            "isEndToEndReported": False,
            "performanceMet": met,
            "performanceNotMet": eligible - met - 5,
            "eligiblePopulationExclusion": 0,
            "eligiblePopulationException": 5,
            "eligiblePopulation": eligible,
        },
    }


def quality_set(tin, measures, rng):
    return {
        "category": "quality",
        "submissionMethod": "registry",
        "performanceStart": f"{YEAR}-01-01",
        "performanceEnd": f"{YEAR}-12-31",
        "measurements": [measurement(m, rng) for m in measures],
        "submission": {
            "entityType": "group",
            "taxpayerIdentificationNumber": tin,
            "performanceYear": YEAR,
        },
    }


def fill(count, registry, measures, rng):
    """Store submissions until there are ``count`` of them (TINs 100000000 upward)."""
    from submissions import rates
    from submissions.catalogue import measure as find_measure
    from submissions.models import Measurement, MeasurementSet, Submission

    have = Submission.objects.count()
    for start in range(have, count, BATCH):
        stop = min(count, start + BATCH)
        submissions = Submission.objects.bulk_create(
            Submission(
                entity_type="group",
                taxpayer_identification_number=f"{100000000 + n}",
                performance_year=YEAR,
            )
            for n in range(start, stop)
        )
        sets = MeasurementSet.objects.bulk_create(
            MeasurementSet(
                submission=s,
                category="quality",
                submission_method="registry",
                performance_start=date(YEAR, 1, 1),
                performance_end=date(YEAR, 12, 31),
                submitter=registry,
            )
            for s in submissions
        )
        rows = []
        for measurement_set in sets:
            for measure_id in measures:
                value = measurement(measure_id, rng)["value"]
                value.update(rates.computed_fields(find_measure(YEAR, measure_id), value))
                rows.append(
                    Measurement(
                        measurement_set=measurement_set, measure_id=measure_id, value=value
                    )
                )
        Measurement.objects.bulk_create(rows, batch_size=BATCH * 6)


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, round(fraction * (len(values) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000,100000")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    options = parser.parse_args()
    sizes = [int(s) for s in options.sizes.split(",")]

    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qpp_portal.settings.development")
    os.environ.setdefault("RATE_LIMIT_SUBMISSIONS_API", "1000000/m")
    # This file is named like the app it measures: take bench/ off the path, put the project on.
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
    sys.path.insert(0, str(ROOT))
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.decorators import login_not_required
    from django.core.management import call_command
    from django.db import connection
    from django.http import HttpResponse
    from django.test import Client
    from django.urls import clear_url_caches, path

    from organizations.models import Organization
    from submissions import services
    from submissions.models import ApiToken, Submission

    @login_not_required
    def hello(request):
        return HttpResponse("Hello")

    import qpp_portal.urls

    bench_urls = types.ModuleType("bench_urls")
    bench_urls.urlpatterns = [path("bench/hello/", hello), *qpp_portal.urls.urlpatterns]
    sys.modules["bench_urls"] = bench_urls
    settings.ROOT_URLCONF = "bench_urls"
    settings.ALLOWED_HOSTS = ["*"]
    clear_url_caches()

    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    Submission.objects.all().delete()
    ApiToken.objects.all().delete()
    registry, _ = Organization.objects.get_or_create(
        kind="registry",
        registry_id="BENCH1",
        defaults={
            "legal_business_name": "Bench Registry",
            "tin": "999999990",
            "registry_kind": "qcdr",
        },
    )
    _token, secret = services.create_api_token(organization=registry, label="bench")
    measures = quality_measures()
    print(f"Quality measures ({YEAR}, registry): {', '.join(measures)}")
    rng = random.Random(options.seed)  # noqa: S311 - reproducible data
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    next_tin = 600000000

    results = []
    for size in sizes:
        started = time.perf_counter()
        fill(size, registry, measures, rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        filled = time.perf_counter() - started
        store, score, both, bare = [], [], [], []
        for index in range(options.requests + WARM_UP):
            next_tin += 1
            body = quality_set(str(next_tin), measures, rng)
            t0 = time.perf_counter()
            response = client.post(
                "/api/submissions/measurement-sets", body, content_type="application/json"
            )
            t1 = time.perf_counter()
            assert response.status_code == 201, response.content[:500]
            submission_id = response.json()["data"]["measurementSet"]["submissionId"]
            response = client.get(f"/api/submissions/submissions/{submission_id}/score")
            t2 = time.perf_counter()
            assert response.status_code == 200, response.content[:500]
            hello_response = client.get("/bench/hello/")
            t3 = time.perf_counter()
            assert hello_response.status_code == 200
            if index >= WARM_UP:
                store.append((t1 - t0) * 1000)
                score.append((t2 - t1) * 1000)
                both.append((t2 - t0) * 1000)
                bare.append((t3 - t2) * 1000)
        stored = Submission.objects.count()
        results.append((size, stored, store, score, both, bare, filled))

    print(f"\n{options.requests} requests per size, milliseconds (p50 / p95):")
    print(
        f"{'stored':>8} {'store':>15} {'score':>15} {'store+score':>15} {'bare view':>13} {'ratio p50':>10}"
    )
    for _size, stored, store, score, both, bare, _filled in results:
        ratio = percentile(both, 0.5) / percentile(bare, 0.5)
        print(
            f"{stored:>8} {percentile(store, 0.5):>7.1f} / {percentile(store, 0.95):<6.1f}"
            f"{percentile(score, 0.5):>7.1f} / {percentile(score, 0.95):<6.1f}"
            f"{percentile(both, 0.5):>7.1f} / {percentile(both, 0.95):<6.1f}"
            f"{percentile(bare, 0.5):>6.2f} / {percentile(bare, 0.95):<5.2f}"
            f"{ratio:>10.1f}x"
        )
    first = percentile(results[0][4], 0.5) / percentile(results[0][5], 0.5)
    last = percentile(results[-1][4], 0.5) / percentile(results[-1][5], 0.5)
    verdict = "flat" if last <= first * 1.5 else "NOT flat"
    print(
        f"\nCost per request vs bare view: {first:.1f}x at {sizes[0]:,} stored, {last:.1f}x at {sizes[-1]:,}: {verdict}"
    )


if __name__ == "__main__":
    main()
