"""Mentor pages: the mentors of a sprint with their open office hours, booking, and a mentor's own slots."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sprintlab.core.errors import ServiceError
from sprintlab.core.forms import add_service_error
from sprintlab.mentoring import selectors, services
from sprintlab.mentoring.forms import MentorProfileForm, SlotForm
from sprintlab.mentoring.permissions import (
    help_closed_reason,
    may_book,
    may_cancel_booking,
    may_delete_slot,
    may_offer_slot,
    may_post_request,
)
from sprintlab.sprints.selectors import sprint_for_manager, sprint_for_viewer


def viewer_context(request, slug: str) -> dict:
    """What every mentor page starts from: the sprint (404 when unseen), the time and the viewer's roles."""
    sprint = sprint_for_viewer(slug, request.user)
    now = timezone.now()
    roles = selectors.mentoring_roles(request.user, sprint, now=now)
    return {
        "sprint": sprint,
        "now": now,
        "roles": roles,
        "help_closed_reason": help_closed_reason(sprint, now=now),
        "can_view_queue": request.user.has_perm("mentoring.view_queue", sprint),
        "can_view_stats": request.user.has_perm("mentoring.view_stats", sprint),
        "can_offer_slots": may_offer_slot(request.user, sprint, now=now, roles=roles),
        "can_ask": may_post_request(request.user, sprint, now=now, roles=roles),
    }


def _slot_rows(user, slots, context) -> list[dict]:
    now, roles = context["now"], context["roles"]
    return [
        {
            "slot": slot,
            "places_left": max(slot.capacity - slot.taken, 0),
            "booked_by_my_team": slot.pk in roles.booked_slot_ids,
            "can_book": may_book(user, slot, now=now, roles=roles),
            "can_delete": may_delete_slot(user, slot, now=now, roles=roles),
        }
        for slot in slots
    ]


def mentors(request, slug):
    """The sprint's mentors with their profiles and upcoming slots; teams book here."""
    context = viewer_context(request, slug)
    sprint, now, roles = context["sprint"], context["now"], context["roles"]
    slots = list(selectors.slots_of(sprint, upcoming_after=now))
    by_mentor: dict[int, list] = {}
    for row in _slot_rows(request.user, slots, context):
        by_mentor.setdefault(row["slot"].mentor_id, []).append(row)
    people = selectors.mentors_of(sprint)
    bookings = [
        {"booking": booking, "can_cancel": may_cancel_booking(request.user, booking, now=now, roles=roles)}
        for booking in selectors.team_bookings(roles.team)
    ]
    context.update(
        {
            "mentor_rows": [{"mentor": person, "slots": by_mentor.get(person.pk, [])} for person in people],
            "bookings": bookings,
            "can_edit_profiles": request.user.has_perm("mentoring.edit_mentor_profiles", sprint),
        }
    )
    return render(request, "mentoring/mentors.html", context)


@login_required
@require_POST
def book(request, slug, slot_id):
    context = viewer_context(request, slug)
    slot = selectors.get_slot(context["sprint"], slot_id)
    try:
        services.slot_book(actor=request.user, slot=slot)
    except ServiceError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("Booked: %(mentor)s expects your team.") % {"mentor": slot.mentor.name})
    return redirect("mentoring:mentors", slug=slug)


@login_required
@require_POST
def cancel_booking(request, slug, booking_id):
    context = viewer_context(request, slug)
    booking = selectors.get_booking(context["sprint"], booking_id)
    try:
        services.booking_cancel(actor=request.user, booking=booking)
    except ServiceError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("Your booking is cancelled; the place is free for another team."))
    return redirect("mentoring:mentors", slug=slug)


def _mentor_page(request, context, *, slot_form=None, profile_form=None):
    sprint = context["sprint"]
    profile = selectors.profile_of(request.user)
    if profile_form is None:
        initial = {"expertise": profile.expertise, "bio": profile.bio, "timezone": profile.timezone} if profile else {}
        profile_form = MentorProfileForm(initial=initial)
    context.update(
        {
            "slot_form": slot_form or SlotForm(sprint=sprint),
            "profile_form": profile_form,
            "my_slots": _slot_rows(request.user, selectors.slots_of(sprint, mentor=request.user), context),
        }
    )
    return render(request, "mentoring/office_hours.html", context)


@login_required
def office_hours(request, slug):
    """A mentor's own page: their profile, the slots they offer, and a form to offer another."""
    context = viewer_context(request, slug)
    if not context["roles"].is_mentor:
        raise PermissionDenied
    if request.method != "POST":
        return _mentor_page(request, context)
    form = SlotForm(request.POST, sprint=context["sprint"])
    if form.is_valid():
        try:
            services.slot_create(actor=request.user, sprint=context["sprint"], **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your office hours are offered; teams can book them now."))
            return redirect("mentoring:office_hours", slug=slug)
    return _mentor_page(request, context, slot_form=form)


@login_required
@require_POST
def profile(request, slug):
    context = viewer_context(request, slug)
    if not context["roles"].is_mentor:
        raise PermissionDenied
    form = MentorProfileForm(request.POST)
    if form.is_valid():
        try:
            services.mentor_profile_update(
                actor=request.user,
                user=request.user,
                expertise=form.cleaned_data["expertise"],
                bio=form.cleaned_data["bio"],
                timezone_name=form.cleaned_data["timezone"],
            )
        except ServiceError as exc:
            add_service_error(form, exc, {"timezone_name": "timezone"})
        else:
            messages.success(request, _("Your mentor profile is saved."))
            return redirect("mentoring:office_hours", slug=slug)
    return _mentor_page(request, context, profile_form=form)


@login_required
def edit_mentor_profile(request, slug, user_id):
    """An organiser's page for one of the sprint's mentors' profile (mentors edit theirs on "My office hours")."""
    sprint = sprint_for_manager(slug, request.user, "mentoring.edit_mentor_profiles")
    mentor = next((person for person in selectors.mentors_of(sprint) if person.pk == user_id), None)
    if mentor is None:
        raise Http404("No such mentor in this sprint.")
    profile = mentor.profile
    if request.method != "POST":
        initial = {"expertise": profile.expertise, "bio": profile.bio, "timezone": profile.timezone} if profile else {}
        form = MentorProfileForm(initial=initial)
    else:
        form = MentorProfileForm(request.POST)
        if form.is_valid():
            try:
                services.mentor_profile_update(
                    actor=request.user,
                    user=mentor,
                    expertise=form.cleaned_data["expertise"],
                    bio=form.cleaned_data["bio"],
                    timezone_name=form.cleaned_data["timezone"],
                )
            except ServiceError as exc:
                add_service_error(form, exc, {"timezone_name": "timezone"})
            else:
                messages.success(request, _("%(name)s's mentor profile is saved.") % {"name": mentor.name})
                return redirect("mentoring:mentors", slug=slug)
    return render(request, "mentoring/edit_profile.html", {"sprint": sprint, "mentor": mentor, "form": form})


@login_required
@require_POST
def delete_slot(request, slug, slot_id):
    context = viewer_context(request, slug)
    slot = selectors.get_slot(context["sprint"], slot_id)
    try:
        services.slot_delete(actor=request.user, slot=slot)
    except ServiceError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("The slot is removed; teams that booked it have been told."))
    return redirect("mentoring:office_hours" if context["roles"].is_mentor else "mentoring:mentors", slug=slug)
