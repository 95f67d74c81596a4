"""The client's address, read the same way by the audit log, django-axes and django-ratelimit."""

import ipaddress

from django.conf import settings


def client_address(request):
    """Return the address of the client that sent ``request``, or None.

    With ``TRUSTED_PROXY_COUNT = 0`` (the default) it is ``REMOTE_ADDR``: the server faces
    the clients itself, and an ``X-Forwarded-For`` header is the client's own claim, ignored.
    Behind N reverse proxies (settings ``TRUSTED_PROXY_COUNT``), each of which appends the
    address it received the request from, the client's is the Nth entry from the right of
    ``X-Forwarded-For``; entries further left were written by the client and are not
    trusted. A missing or malformed entry falls back to ``REMOTE_ADDR`` (the nearest proxy),
    so a client can never choose its own address.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
