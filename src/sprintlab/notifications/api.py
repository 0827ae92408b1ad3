"""/api/v1/me/inbox and /api/v1/me/notification-preferences: the caller's own notifications."""

from datetime import datetime

from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from sprintlab.api.auth import write_auth
from sprintlab.api.errors import errors
from sprintlab.api.pagination import BoundedLimitOffsetPagination
from sprintlab.notifications import inbox, preferences, selectors
from sprintlab.notifications.models import InboxItem, NotificationKind

router = Router(tags=["notifications"], auth=write_auth)


class InboxItemOut(Schema):
    id: int
    kind: str
    kind_display: str
    title: str
    body_html: str
    url: str
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_kind_display(obj: InboxItem) -> str:
        return str(obj.get_kind_display())


class InboxFilters(Schema):
    unread: bool = False


class UnreadCountOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


class KindChannels(Schema):
    email: bool
    in_app: bool


class PreferenceOut(Schema):
    kind: str
    label: str
    email: bool
    in_app: bool


class PreferencesOut(Schema):
    always_on: list[str]
    kinds: list[PreferenceOut]


class PreferencesIn(Schema):
    """Optional kinds to change, each with both channels; kinds left out stay as they are."""

    kinds: dict[str, KindChannels]


def _preferences(user) -> dict:
    return {
        "always_on": [NotificationKind.TRANSACTIONAL.value],
        "kinds": [vars(row) for row in selectors.notification_preferences(user=user)],
    }


@router.get(
    "/inbox", response={200: list[InboxItemOut], **errors(400, 401, 403, 422)}, summary="My inbox, newest first"
)
@paginate(BoundedLimitOffsetPagination)
def list_inbox(request, filters: Query[InboxFilters]):
    return selectors.inbox_items(user=request.auth, unread_only=filters.unread)


@router.get("/inbox/unread-count", response={200: UnreadCountOut, **errors(401, 403)}, summary="My unread count")
def inbox_unread_count(request):
    return {"unread": selectors.inbox_unread_count(user=request.auth)}


@router.post(
    "/inbox/{int:item_id}/read", response={200: InboxItemOut, **errors(401, 403, 404, 503)}, summary="Mark one read"
)
def inbox_mark_read(request, item_id: int):
    item = selectors.inbox_item_for_user(item_id=item_id, user=request.auth)
    if item is None:
        raise Http404
    return inbox.inbox_mark_read(actor=request.auth, item=item)


@router.post("/inbox/read", response={200: MarkedOut, **errors(401, 403, 503)}, summary="Mark all read")
def inbox_mark_all_read(request):
    return {"marked": inbox.inbox_mark_all_read(actor=request.auth)}


@router.get(
    "/notification-preferences", response={200: PreferencesOut, **errors(401, 403)}, summary="My notification settings"
)
def get_preferences(request):
    return _preferences(request.auth)


@router.put(
    "/notification-preferences",
    response={200: PreferencesOut, **errors(400, 401, 403, 422, 503)},
    summary="Change my notification settings",
)
def put_preferences(request, payload: PreferencesIn):
    channels = {
        kind: preferences.Channels(email=wanted.email, in_app=wanted.in_app) for kind, wanted in payload.kinds.items()
    }
    preferences.notification_preferences_update(actor=request.auth, channels=channels)
    return _preferences(request.auth)
