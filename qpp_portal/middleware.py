from django.utils.cache import add_never_cache_headers


class NoStoreForSignedInMiddleware:
    """Tell browsers and proxies to keep no copy of any page sent to a signed-in person.

    Signed-in pages show personal data and secrets (backup codes, the authenticator secret
    and QR code, profile, activity, feedback and its CSV downloads); a shared computer's
    back button or a caching proxy must not show them to the next person.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
