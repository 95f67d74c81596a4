"""Benchmark the portal's pages against a bare Django view under the same gunicorn server.

    python bench/pages.py [--duration 5] [--rounds 2] [--connections 32] [--workers 2]

Production settings (bench/bench_settings.py: plain HTTP, a bare "hello" view at /bare/),
PostgreSQL (DATABASE_URL, default the local database qpp_bench_pages, created if missing and
loaded with the demo data of scripts/start), Redis (REDIS_URL, default redis://127.0.0.1:6379/1)
and wrk with real signed-in sessions; the public pages ask about 200 clinicians in turn
(after one warm-up pass). Each round measures the bare view then each page, in
turn, so both see the same machine. Prints each page's requests per second and p50/p99
latency, and its throughput as a share of the bare view's, against the issue's targets.
Figures are printed, never asserted.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/qpp_bench_pages"
TARGETS = {"signed-in": 0.10, "public": 0.20, "sign-in page": 0.30}
PUBLIC_NPIS = 200


def environment(database_url):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}",
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"),
        "SECRET_KEY": os.environ.get(
            "BENCH_SECRET_KEY", "bench-only-9f3Kq2xLw7Zp0Rm4Tn8Vb6Yc1Hd5Js3Ge7Ua2Oi9Pl4Xk6Qw8Ez"
        ),
        "FIELD_ENCRYPTION_SALTS": "bench-salt",
        "PHONE_GATEWAY": "bench_gateway.DroppingGateway",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_PUBLIC_API": "100000000/m",
    }


def prepare(env):
    """Migrate and load the demo data once; return the pages and a session cookie."""
    from search_practices import ensure_database

    ensure_database(env["DATABASE_URL"])
    os.environ.update(env)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, check=True)
    subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], env=env, check=True)
    import django

    django.setup()
    from accounts.models import User

    if not User.objects.filter(username__iexact="demo.official").exists():
        for command in (
            ["load_demo_data"],
            ["import_reference_data", "organizations/sample_data"],
            ["generate_feedback_data", "--seed", "1"],
            ["load_demo_roles"],
        ):
            subprocess.run([*manage, *command], env=env, check=True, cwd=ROOT)
    return pages_and_cookie()


def verified_session_key(user, device):
    """Create a real session of ``user``, signed in and past the second factor with
    ``device``, as a sign-in leaves it; return its key."""
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "accounts.backends.AccountBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return session.session_key


def pages_and_cookie():
    from django.conf import settings
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.urls import reverse
    from django.utils.crypto import get_random_string
    from django_otp import devices_for_user

    from accounts.models import User
    from organizations.models import Clinician
    from roles.models import Membership

    official = User.objects.get(username__iexact="demo.official")
    membership = Membership.objects.filter(user=official, status="active").first()
    organization = membership.organization_id
    session_key = verified_session_key(official, next(devices_for_user(official)))
    # The public pages are asked about many clinicians in turn, as registries and EHR
    # vendors ask, so their answers come from the cache only as often as a real mix allows.
    npis = list(Clinician.objects.order_by("npi").values_list("npi", flat=True)[:PUBLIC_NPIS])
    # A browser sends back the CSRF cookie it was given, so no page makes a new one.
    csrf = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
    browser = f"{settings.CSRF_COOKIE_NAME}={csrf}"
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}; {browser}"
    signed_in = [
        ("Manage Access", reverse("roles:manage")),
        ("organization page", reverse("roles:organization", args=[organization])),
        ("members page", reverse("roles:organization_access", args=[organization])),
        ("group feedback", reverse("feedback:summary", args=[organization])),
    ]
    public = [
        ("public lookup", [reverse("feedback:lookup") + f"?npi={npi}" for npi in npis]),
        ("eligibility API", [reverse("eligibility_api:npis", args=[npi]) for npi in npis]),
        ("sign-in page", [reverse("accounts:sign_in")]),
    ]
    return signed_in, public, cookie, browser


WRK_LINE = re.compile(r"Requests/sec:\s+([\d.]+)")
PERCENTILE = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)
UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


ROTATE_PATHS = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[counter %% #paths + 1])
end
"""


def wrk(base, paths, cookie, duration, connections):
    """Run wrk against ``paths`` of ``base`` (one path, or many asked in turn)."""
    if isinstance(paths, str):
        paths = [paths]
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", base + paths[0]]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if len(paths) > 1:
            script.write(ROTATE_PATHS % ", ".join(f'"{path}"' for path in paths))
            script.flush()
            command[1:1] = ["-s", script.name]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(WRK_LINE.search(output).group(1))
    latency = {p: float(v) * UNIT[u] for p, v, u in PERCENTILE.findall(output)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, latency.get("50"), latency.get("99"), int(non_2xx.group(1)) if non_2xx else 0


def start_gunicorn(env, port, workers):
    """Start the portal under gunicorn on ``port`` and return once it answers /bare/."""
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "qpp_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(50):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bare/", timeout=1)  # noqa: S310 - local
            break
        except OSError:
            time.sleep(0.2)
    return server


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/pages.py needs wrk: apt-get install wrk")
    env = environment(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    signed_in, public, cookie, browser = prepare(env)
    base = f"http://127.0.0.1:{args.port}"
    server = start_gunicorn(env, args.port, args.workers)
    try:
        for label, paths in signed_in + public:
            for path in [paths] if isinstance(paths, str) else paths:
                request = urllib.request.Request(base + path, headers={"Cookie": cookie})
                status = urllib.request.urlopen(request, timeout=10).status  # noqa: S310 - local
            print(f"warm-up {label}: {status}")
        results = {}
        for _ in range(args.rounds):
            for label, path in signed_in + public:
                use_cookie = cookie if (label, path) in signed_in else browser
                bare = wrk(base, "/bare/", "", args.duration, args.connections)
                page = wrk(base, path, use_cookie, args.duration, args.connections)
                results.setdefault(label, []).append((bare, page))
        print(
            f"\n{'page':20} {'req/s':>8} {'bare':>8} {'share':>7} {'p50 ms':>8} {'p99 ms':>8}  target"
        )
        for label, path in signed_in + public:
            rounds = results[label]
            bare_rate = sum(b[0] for b, _ in rounds) / len(rounds)
            rate = sum(p[0] for _, p in rounds) / len(rounds)
            p50 = sum(p[1] for _, p in rounds) / len(rounds)
            p99 = sum(p[2] for _, p in rounds) / len(rounds)
            errors = sum(p[3] for _, p in rounds)
            kind = (
                "sign-in page"
                if label == "sign-in page"
                else "public"
                if (label, path) in public
                else "signed-in"
            )
            share = rate / bare_rate
            verdict = "met" if share >= TARGETS[kind] else "missed"
            note = f" ({errors} non-2xx)" if errors else ""
            print(
                f"{label:20} {rate:8.0f} {bare_rate:8.0f} {share:7.1%} {p50:8.1f} {p99:8.1f}  "
                f">= {TARGETS[kind]:.0%} {verdict}{note}"
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
