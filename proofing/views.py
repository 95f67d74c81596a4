# Interim placeholder while the proofing issue is built: replaced by the proofing app.
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render


def start(request):
    return render(request, "proofing/start.html")


@login_not_required
def enter_reference(request):
    return render(request, "proofing/start.html")
