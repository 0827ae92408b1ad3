"""People: sign-in identity, profile with per-field visibility, and personal API tokens."""

import hashlib
import secrets
import zoneinfo
from datetime import timedelta

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from sprintlab.core.models import TimeStampedModel


def validate_timezone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone, e.g. Europe/London."), params={"value": value})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class Tag(models.Model):
    """A research interest or a skill, shared between people so that they can be counted."""

    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class CareerStage(models.TextChoices):
        STUDENT_UNDERGRAD = "undergrad", _("Undergraduate student")
        STUDENT_GRAD = "grad", _("Graduate student")
        EARLY_CAREER = "early", _("Early-career professional")
        MID_CAREER = "mid", _("Mid-career professional")
        SENIOR = "senior", _("Senior professional")
        RESEARCHER = "researcher", _("Academic researcher")
        OTHER = "other", _("Other")

    # Fields a person may choose to show on their public profile.
    PUBLIC_FIELD_CHOICES = (
        ("country", _("Country")),
        ("city", _("City")),
        ("affiliation", _("Affiliation")),
        ("career_stage", _("Career stage")),
        ("interests", _("Research interests")),
        ("skills", _("Skills")),
        ("links", _("Links")),
        ("bio", _("Bio")),
    )

    username = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text=_("Times are shown in this zone, e.g. Asia/Kolkata."),
    )
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    career_stage = models.CharField(_("career stage"), max_length=20, choices=CareerStage.choices, blank=True)
    interests = models.ManyToManyField(
        Tag, blank=True, related_name="interested_users", verbose_name=_("research interests")
    )
    skills = models.ManyToManyField(Tag, blank=True, related_name="skilled_users", verbose_name=_("skills"))
    website_url = models.URLField(_("website"), blank=True)
    github_url = models.URLField(_("GitHub"), blank=True)
    scholar_url = models.URLField(_("Google Scholar"), blank=True)
    orcid = models.CharField(_("ORCID iD"), max_length=19, blank=True, help_text=_("e.g. 0000-0002-1825-0097"))
    bio = models.TextField(_("short bio"), max_length=2000, blank=True)
    public_fields = models.JSONField(_("public fields"), default=list, blank=True)
    # An organisation-level role, granted by staff (sprintlab.accounts.services.organiser_role_set):
    # its holders may create sprints. Running one sprint comes from that sprint's memberships instead.
    is_organiser = models.BooleanField(
        _("may create sprints"),
        default=False,
        help_text=_("Organisers create sprints and run them; staff grant and revoke this role."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    def is_public(self, field: str) -> bool:
        return field in (self.public_fields or [])


class ApiToken(TimeStampedModel):
    """A personal API token; only its SHA-256 hash is stored, the secret is shown once."""

    PREFIX = "slt_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("starts with"), max_length=12, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def generate_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    TOUCH_INTERVAL = timedelta(seconds=60)

    def touch(self) -> None:
        now = timezone.now()
        # Write at most once a minute so that busy clients don't turn every read into a write.
        if self.last_used_at is not None and now - self.last_used_at <= self.TOUCH_INTERVAL:
            return
        # The first use of a token (every request of a new client) pays one small UPDATE in its own
        # autocommit transaction: a prepared statement instead of a queryset (which costs several
        # times more CPU to build than to run), and no write when another request just did it.
        connection = connections[router.db_for_write(ApiToken)]
        adapt = connection.ops.adapt_datetimefield_value
        table, pk, column = (
            connection.ops.quote_name(name)
            for name in (self._meta.db_table, self._meta.pk.column, self._meta.get_field("last_used_at").column)
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {column} = %s WHERE {pk} = %s AND ({column} IS NULL OR {column} < %s)",
                [adapt(now), self.pk, adapt(now - self.TOUCH_INTERVAL)],
            )
        self.last_used_at = now
