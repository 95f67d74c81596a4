"""Compare sign-in throughput with the Argon2 hash rate alone.

    python bench/signin.py [--duration 10] [--clients 8] [--workers 2]

Same server and data as bench/pages.py (production settings, PostgreSQL, gunicorn). The
Argon2 rate is ``check_password`` of the demo password in ``--workers`` processes at once,
the most sign-ins the machine could do if hashing were the only work. The sign-in rate is
full password steps (GET the page for its CSRF token, POST the User ID and password, 302
to the code step) by ``--clients`` concurrent clients. Prints both and their ratio
(target: at least 90 %). Figures are printed, never asserted.
"""

import argparse
import http.client
import multiprocessing
import os
import re
import signal
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from pages import DEFAULT_DATABASE_URL, environment, prepare, start_gunicorn  # noqa: E402

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def hash_worker(encoded, password, deadline, counter):
    from django.contrib.auth.hashers import check_password

    done = 0
    while time.monotonic() < deadline:
        check_password(password, encoded)
        done += 1
    with counter.get_lock():
        counter.value += done


def sign_in_worker(port, username, password, deadline, counter, failures):
    done = failed = 0
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/signin/")
        page = connection.getresponse()
        body = page.read()
        cookies = SimpleCookie()
        for header in page.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
        token = TOKEN.search(body).group(1).decode()
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": password}
        )
        cookie = "; ".join(f"{k}={v.value}" for k, v in cookies.items())
        connection.request(
            "POST",
            "/signin/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "Referer": f"http://127.0.0.1:{port}/signin/",
            },
        )
        answer = connection.getresponse()
        answer.read()
        connection.close()
        if answer.status == 302:
            done += 1
        else:
            failed += 1
    with counter.get_lock():
        counter.value += done
    with failures.get_lock():
        failures.value += failed


def run(target, args_for, processes, duration):
    counter = multiprocessing.Value("i", 0)
    failures = multiprocessing.Value("i", 0)
    deadline = time.monotonic() + duration
    workers = [
        multiprocessing.Process(target=target, args=(*args_for(deadline), counter, failures))
        if target is sign_in_worker
        else multiprocessing.Process(target=target, args=(*args_for(deadline), counter))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return counter.value / duration, failures.value


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    env = environment(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    # Sign-ins from one address are counted (RATE_LIMITS["sign_in_address"]); failures only.
    prepare(env)
    from accounts.management.commands.load_demo_data import DEMO_PASSWORD
    from accounts.models import User

    user = User.objects.get(username__iexact="demo.official")
    hash_rate, _ = run(
        hash_worker, lambda d: (user.password, DEMO_PASSWORD, d), args.workers, args.duration
    )
    server = start_gunicorn(env, args.port, args.workers)
    try:
        rate, failures = run(
            sign_in_worker,
            lambda d: (args.port, user.username, DEMO_PASSWORD, d),
            args.clients,
            args.duration,
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(f"Argon2 check_password, {args.workers} processes: {hash_rate:.1f}/s")
    print(f"sign-in (page + password POST), {args.clients} clients: {rate:.1f}/s")
    print(f"ratio: {rate / hash_rate:.1%} (target >= 90 %); refused sign-ins: {failures}")


if __name__ == "__main__":
    main()
