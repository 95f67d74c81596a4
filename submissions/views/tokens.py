"""A registry Security Official's API tokens: list, create, rotate, revoke.

A new secret is shown once: the service returns it, the view keeps it in the session only
until the next page has shown it (then pops it), and that page is never cached.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables

from roles.capabilities import Capability
from roles.decorators import requires_capability

from .. import selectors, services
from ..forms import TokenForm
from .common import sections

SECRET_SESSION_KEY = "submissions_new_token_secret"


def _page(request, membership, template, **context):
    return render(
        request,
        f"submissions/{template}",
        {
            "membership": membership,
            "sections": sections(membership),
            "organization": membership.organization,
            **context,
        },
    )


def _keep_secret_for_next_page(request, token, secret):
    request.session[SECRET_SESSION_KEY] = {"token": token.pk, "secret": secret}


@requires_capability(Capability.DOWNLOAD_API_TOKEN)
def tokens(request, membership):
    """The registry's tokens, and a form to create one."""
    return _page(
        request,
        membership,
        "tokens.html",
        tokens=selectors.tokens_of(membership.organization),
        form=TokenForm(),
    )


@sensitive_variables("secret")
@requires_capability(Capability.DOWNLOAD_API_TOKEN)
def token_create(request, membership):
    organization = membership.organization
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        token, secret = services.create_api_token(
            organization=organization,
            label=form.cleaned_data["label"],
            created_by=request.user,
            request=request,
        )
        _keep_secret_for_next_page(request, token, secret)
        return redirect(
            "submissions:token_secret", organization_id=organization.pk, token_id=token.pk
        )
    return _page(
        request, membership, "tokens.html", tokens=selectors.tokens_of(organization), form=form
    )


@never_cache
@sensitive_variables("secret")
@requires_capability(Capability.DOWNLOAD_API_TOKEN)
def token_secret(request, membership, token_id):
    """Show a new token's secret once; later visits say it cannot be shown again."""
    organization = membership.organization
    token = selectors.get_token_of(organization, token_id)
    kept = request.session.get(SECRET_SESSION_KEY)
    secret = ""
    if kept and kept.get("token") == token.pk:
        secret = kept["secret"]
        del request.session[SECRET_SESSION_KEY]
    return _page(request, membership, "token_secret.html", token=token, secret=secret)


@sensitive_variables("secret")
@requires_capability(Capability.DOWNLOAD_API_TOKEN)
def token_rotate(request, membership, token_id):
    """Confirm, then replace a token with a new one of the same label (the old one stops
    working at once)."""
    organization = membership.organization
    token = selectors.get_token_of(organization, token_id)
    if not token.is_active:
        messages.info(request, f"The token “{token.label}” is already revoked.")
        return redirect("submissions:tokens", organization_id=organization.pk)
    if request.method == "POST":
        new, secret = services.rotate_api_token(
            token=token, acting_user=request.user, request=request
        )
        _keep_secret_for_next_page(request, new, secret)
        return redirect(
            "submissions:token_secret", organization_id=organization.pk, token_id=new.pk
        )
    return _page(request, membership, "token_confirm.html", token=token, action="rotate")


@requires_capability(Capability.DOWNLOAD_API_TOKEN)
def token_revoke(request, membership, token_id):
    """Confirm, then revoke a token at once."""
    organization = membership.organization
    token = selectors.get_token_of(organization, token_id)
    if not token.is_active:
        messages.info(request, f"The token “{token.label}” is already revoked.")
        return redirect("submissions:tokens", organization_id=organization.pk)
    if request.method == "POST":
        services.revoke_api_token(token=token, acting_user=request.user, request=request)
        messages.success(
            request, f"The token “{token.label}” ({token.prefix}…) is revoked: it no longer works."
        )
        return redirect("submissions:tokens", organization_id=organization.pk)
    return _page(request, membership, "token_confirm.html", token=token, action="revoke")
