"""Pages of this app; thin: validate, call a service or selector, render."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def profile_edit(request):
    return render(request, "accounts/profile_edit.html", {})
