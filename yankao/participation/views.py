"""Participation pages (thin: reads through selectors, writes through services)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    return render(request, "participation/home.html", {})
