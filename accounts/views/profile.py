from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters

from audit.selectors import recent_events_for_user

from .. import services
from ..forms import ChangePasswordForm, CodeForm, EmailChangeForm, PhoneChangeForm, ProfileEditForm
from ..models import ContactChange
from ..reauthentication import reauthentication_required
from ..services import PROFILE_FIELDS


def home(request):
    """The portal's home page once signed in and set up."""
    return render(request, "accounts/home.html")


def profile(request):
    return render(request, "accounts/profile/detail.html")


def edit_profile(request):
    user = request.user
    initial = {field: getattr(user, field) for field in PROFILE_FIELDS}
    form = ProfileEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = services.update_profile(user=user, data=form.cleaned_data, request=request)
        if changed and not user.is_identity_verified:
            messages.info(
                request,
                "Your profile is updated. Because your legal name changed, verify your "
                "identity again to continue.",
            )
            return redirect("proofing:start")
        messages.success(request, "Your profile is updated." if changed else "Nothing changed.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile/edit.html", {"form": form})


CONTACT_FORMS = {
    ContactChange.Channel.EMAIL: (EmailChangeForm, "email"),
    ContactChange.Channel.PHONE: (PhoneChangeForm, "phone"),
}


@reauthentication_required
def change_contact(request, channel):
    """Start changing the email or phone: nothing changes until the new one proves itself."""
    form_class, field = CONTACT_FORMS[channel]
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.start_contact_change(
                user=request.user, channel=channel, new_value=form.cleaned_data[field]
            )
        except services.AccountError as error:
            form.add_error(field, str(error))
        else:
            return redirect(f"accounts:confirm_contact_{channel}")
    return render(
        request,
        "accounts/profile/change_contact.html",
        {"form": form, "channel": channel, "label": ContactChange.Channel(channel).label},
    )


@reauthentication_required
@sensitive_post_parameters("code")
def confirm_contact(request, channel):
    change = ContactChange.objects.filter(user=request.user, channel=channel).first()
    if change is None:
        return redirect("accounts:profile")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_contact_change(
                user=request.user, channel=channel, code=form.cleaned_data["code"], request=request
            )
            messages.success(
                request, f"Your {ContactChange.Channel(channel).label.lower()} is changed."
            )
            return redirect("accounts:profile")
        except services.AccountError as error:
            form.add_error("code", str(error))
    return render(
        request,
        "accounts/profile/confirm_contact.html",
        {"form": form, "change": change, "label": ContactChange.Channel(channel).label},
    )


@sensitive_post_parameters("current_password", "password1", "password2")
def change_password(request):
    form = ChangePasswordForm(
        request.POST if request.method == "POST" else None, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        services.set_password(
            user=request.user, password=form.cleaned_data["password1"], request=request
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, "Your password is changed.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile/change_password.html", {"form": form})


def activity(request):
    return render(
        request, "accounts/profile/activity.html", {"events": recent_events_for_user(request.user)}
    )
