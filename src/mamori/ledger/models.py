"""The ledger in operation: the personal information file register, its registrants (encrypted
at rest), their consents, provisions of their data, carry-outs, rooms and their entry records,
and incidents (漏えい等).

Residents' personal data lives only in encrypted fields (fields.py); a Registrant's __str__ is
its registration number, so logs, the audit trail and error pages never name a person.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mamori.ledger.fields import EncryptedDateField, EncryptedTextField


class FileForm(models.TextChoices):
    """The statutory kinds of a personal information file (法第75条): a file searched by
    computer (電算処理ファイル), one kept on paper (マニュアル処理ファイル), or both."""

    PAPER = "paper", pgettext_lazy("file form", "Paper (マニュアル処理ファイル)")
    ELECTRONIC = "electronic", pgettext_lazy("file form", "Electronic (電算処理ファイル)")
    BOTH = "both", pgettext_lazy("file form", "Electronic and paper")


class PersonalInformationFileQuerySet(models.QuerySet["PersonalInformationFile"]):
    def published(self) -> PersonalInformationFileQuerySet:
        return self.filter(published=True)

    def of_departments(self, department_ids: set[int]) -> PersonalInformationFileQuerySet:
        return self.filter(department_id__in=department_ids)


class PersonalInformationFile(models.Model):
    """A personal information file a department keeps (個人情報ファイル), as the register
    (個人情報ファイル簿) describes it: the items the law asks a city to publish, no personal data.
    """

    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="personal_information_files",
    )
    name = models.CharField(_("name of the file"), max_length=200)
    purpose = models.TextField(_("purpose of use"))
    items = models.TextField(_("items recorded"), help_text=_("One item per line."))
    data_subjects = models.TextField(_("people recorded (記録範囲)"))
    sources = models.TextField(_("how the data is collected"))
    regular_recipients = models.TextField(_("regular recipients (経常的提供先)"), blank=True)
    contains_special_care = models.BooleanField(
        _("contains special-care information (要配慮個人情報)"), default=False
    )
    form = models.CharField(_("form"), max_length=12, choices=FileForm.choices)
    retention = models.CharField(_("retention period"), max_length=200)
    request_office = models.CharField(
        _("office receiving requests for disclosure, correction and suspension"),
        max_length=300,
        blank=True,
    )
    # The public body that keeps the file (行政機関等の名称), e.g. 東村山市長.
    agency_name = models.CharField(_("public body keeping the file"), max_length=200, blank=True)
    special_procedures = models.TextField(
        _("special procedures for correction and suspension under other laws"), blank=True
    )
    # 行政機関等匿名加工情報: whether proposals are invited, and where (法第75条第2項).
    anonymized_information = models.TextField(
        _("anonymously processed information (proposals invited, office receiving them)"),
        blank=True,
    )
    remarks = models.TextField(_("remarks"), blank=True)
    expected_subjects = models.PositiveIntegerField(
        _("expected number of people"), null=True, blank=True
    )
    consultation = models.ForeignKey(
        "consultations.Consultation",
        verbose_name=_("consultation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="personal_information_files",
    )
    # The answer the file rests on; its answered HandlingRecord version rules carry-outs.
    decision = models.ForeignKey(
        "consultations.Decision",
        verbose_name=pgettext_lazy("council", "answer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="personal_information_files",
    )
    # Contracts under which a contractor keeps this file; their users may see its registrants
    # while the contract is in force.
    contracts = models.ManyToManyField(
        "vendors.Contract",
        verbose_name=_("contracts"),
        blank=True,
        related_name="personal_information_files",
    )
    published = models.BooleanField(_("published in the register"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PersonalInformationFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal information file")
        verbose_name_plural = _("personal information files")
        ordering = ["department__name", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="ledger_file_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def item_list(self) -> list[str]:
        return [line.strip() for line in self.items.splitlines() if line.strip()]


class Recipient(models.Model):
    """A recipient (提供先) the file's data may be given to: ハローワーク, 学校, 作業所, 市…"""

    file = models.ForeignKey(
        PersonalInformationFile,
        verbose_name=_("file"),
        on_delete=models.CASCADE,
        related_name="recipients",
    )
    name = models.CharField(_("recipient"), max_length=100)
    # The answered HandlingRecord says whether consent to this recipient is given in writing
    # (「書面で同意をとる」): then a consent counts only with the signed form on file.
    written_consent_required = models.BooleanField(_("written consent required"), default=True)
    # Where a law, not consent, is the basis for giving data to this recipient.
    legal_basis = models.CharField(
        _("legal basis (when not by consent)"), max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["file", "id"]
        constraints = [
            models.UniqueConstraint(fields=["file", "name"], name="ledger_recipient_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ItemGroup(models.Model):
    """A group of items consented to together (基本情報, 障害の状況, 就労に関する希望…)."""

    file = models.ForeignKey(
        PersonalInformationFile,
        verbose_name=_("file"),
        on_delete=models.CASCADE,
        related_name="item_groups",
    )
    name = models.CharField(_("item group"), max_length=100)
    items = models.CharField(_("items in the group"), max_length=500, blank=True)
    special_care = models.BooleanField(_("special-care information"), default=False)

    class Meta:
        verbose_name = _("item group")
        verbose_name_plural = _("item groups")
        ordering = ["file", "id"]
        constraints = [
            models.UniqueConstraint(fields=["file", "name"], name="ledger_item_group_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ProvisionPurpose(models.Model):
    """A purpose for which data is given to recipients (就労先の紹介, 在学状況の確認…)."""

    file = models.ForeignKey(
        PersonalInformationFile,
        verbose_name=_("file"),
        on_delete=models.CASCADE,
        related_name="purposes",
    )
    name = models.CharField(_("purpose of provision"), max_length=200)

    class Meta:
        verbose_name = _("purpose of provision")
        verbose_name_plural = _("purposes of provision")
        ordering = ["file", "id"]
        constraints = [
            models.UniqueConstraint(fields=["file", "name"], name="ledger_purpose_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Registrant(models.Model):
    """A person registered in a file (利用登録者), known by a registration number; every item
    that names or describes the person is encrypted at rest."""

    file = models.ForeignKey(
        PersonalInformationFile,
        verbose_name=_("file"),
        on_delete=models.PROTECT,
        related_name="registrants",
    )
    registration_number = models.CharField(_("registration number"), max_length=30)
    name = EncryptedTextField(pgettext_lazy("person", "name"))
    name_kana = EncryptedTextField(_("name in kana"), blank=True)
    address = EncryptedTextField(pgettext_lazy("person", "address"), blank=True)
    birth_date = EncryptedDateField(_("date of birth"), null=True, blank=True)
    phone = EncryptedTextField(_("telephone"), blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    registered_on = models.DateField(_("registered on"))
    left_on = models.DateField(_("registration ended on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("registrant")
        verbose_name_plural = _("registrants")
        ordering = ["file", "registration_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["file", "registration_number"], name="ledger_registrant_unique_number"
            )
        ]

    def __str__(self) -> str:
        # Never the name: this string reaches logs and the audit trail.
        return self.registration_number

    def __repr__(self) -> str:
        return f"<Registrant {self.pk} {self.registration_number}>"


class ConsentStatus(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("consent", "Withdrawn")


class ConsentEvent(models.Model):
    """One statement of a registrant about giving one item group to one recipient for one
    purpose. Events are never changed: the latest effective one on a day decides."""

    registrant = models.ForeignKey(
        Registrant,
        verbose_name=_("registrant"),
        on_delete=models.PROTECT,
        related_name="consent_events",
    )
    recipient = models.ForeignKey(
        Recipient, verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="+"
    )
    item_group = models.ForeignKey(
        ItemGroup, verbose_name=_("item group"), on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.ForeignKey(
        ProvisionPurpose,
        verbose_name=_("purpose of provision"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("consent"), max_length=10, choices=ConsentStatus.choices)
    effective_on = models.DateField(_("effective from"))
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    written_form_on_file = models.BooleanField(_("written consent form on file"), default=False)
    explanation_given = models.BooleanField(_("purpose and recipient explained"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["registrant", "-effective_on", "-recorded_at", "-id"]
        indexes = [
            models.Index(
                fields=["registrant", "recipient", "purpose", "item_group", "effective_on"],
                name="ledger_consent_decision",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("effective_on")),
                name="ledger_consent_expires_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.registrant_id}/{self.recipient_id}/{self.item_group_id}/{self.purpose_id}"


class OverrideGround(models.TextChoices):
    """The exceptions under which a public body gives personal data without consent
    (個人情報保護法第69条: 第1項 and 第2項第2号–第4号)."""

    LAW = "law", _("Required by law (法第69条第1項)")
    INTERNAL = (
        "internal",
        _("Used within the city for its duties under law, with good reason (法第69条第2項第2号)"),
    )
    PUBLIC_BODY = (
        "public_body",
        _(
            "Given to another public body for its duties under law, with good reason "
            "(法第69条第2項第3号)"
        ),
    )
    STATISTICS = "statistics", _("Only for statistics or academic research (法第69条第2項第4号)")
    LIFE = (
        "life",
        _(
            "Urgently needed to protect the person's life, body or property: clearly in the "
            "person's interest (法第69条第2項第4号)"
        ),
    )
    INTEREST = "interest", _("Clearly in the person's interest (法第69条第2項第4号)")
    SPECIAL = "special", _("Another special reason (法第69条第2項第4号)")


class Provision(models.Model):
    """A provision of a registrant's data to a recipient, as asked of Mamori: allowed by a live
    consent, refused for want of one (recorded all the same), or made under a legal exception.
    """

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", _("Allowed by consent")
        REFUSED = "refused", _("Refused")
        OVERRIDDEN = "overridden", _("Given under a legal exception")

    registrant = models.ForeignKey(
        Registrant,
        verbose_name=_("registrant"),
        on_delete=models.PROTECT,
        related_name="provisions",
    )
    recipient = models.ForeignKey(
        Recipient, verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.ForeignKey(
        ProvisionPurpose,
        verbose_name=_("purpose of provision"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    item_groups = models.ManyToManyField(ItemGroup, verbose_name=_("items given"), related_name="+")
    provided_on = models.DateField(_("provided on"))
    outcome = models.CharField(
        pgettext_lazy("provision", "outcome"), max_length=12, choices=Outcome.choices
    )
    # Why Mamori refused: the missing consents, named (no personal data).
    refusal_reason = models.TextField(_("reason refused"), blank=True)
    override_ground = models.CharField(
        _("legal exception"), max_length=12, choices=OverrideGround.choices, blank=True
    )
    # The circumstances may describe the person: encrypted.
    override_explanation = EncryptedTextField(_("circumstances"), blank=True)
    # The refused provision an exception was recorded for (one exception per refusal).
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("exception to the refused provision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    # A provision recorded after the day it was made says why (it is decided on that day).
    late_reason = EncryptedTextField(_("why it is recorded late"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("provision")
        verbose_name_plural = _("provisions")
        ordering = ["-provided_on", "-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="overridden") | ~Q(override_ground=""),
                name="ledger_override_has_ground",
            )
        ]

    def __str__(self) -> str:
        return f"{self.registrant_id}→{self.recipient_id} {self.provided_on}"


class Medium(models.TextChoices):
    PAPER = "paper", _("Paper")
    ELECTRONIC = "electronic", _("Electronic medium")


class CarryOutQuerySet(models.QuerySet["CarryOut"]):
    def outstanding(self) -> CarryOutQuerySet:
        """Approved, taken out and not yet back."""
        return self.filter(status=CarryOut.Status.OUT)

    def overdue(self, now: dt.datetime) -> CarryOutQuerySet:
        return self.outstanding().filter(due_back_at__lt=now)


class CarryOut(models.Model):
    """Records of a file taken out of its place (持ち出し): requested, approved, back."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting approval")
        OUT = "out", _("Out")
        RETURNED = "returned", _("Returned")
        REFUSED = "refused", pgettext_lazy("carry-out", "Not approved")

    file = models.ForeignKey(
        PersonalInformationFile,
        verbose_name=_("file"),
        on_delete=models.PROTECT,
        related_name="carry_outs",
    )
    contract = models.ForeignKey(
        "vendors.Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carry_outs",
    )
    medium = models.CharField(_("medium"), max_length=12, choices=Medium.choices)
    description = models.CharField(_("what is taken out"), max_length=200)
    record_count = models.PositiveIntegerField(_("number of records"))
    purpose = models.CharField(_("why"), max_length=300)
    destination = models.CharField(_("taken to"), max_length=200)
    carried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("carried by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    leaves_at = models.DateTimeField(_("leaves at"))
    due_back_at = models.DateTimeField(_("due back at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason not approved"), blank=True)
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("not approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("return checked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    objects = CarryOutQuerySet.as_manager()

    class Meta:
        verbose_name = _("carry-out")
        verbose_name_plural = _("carry-outs")
        ordering = ["-leaves_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_back_at__gt=F("leaves_at")), name="ledger_carry_out_due_after"
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | Q(returned_at__isnull=False),
                name="ledger_carry_out_returned_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def is_overdue(self, now: dt.datetime) -> bool:
        return self.status == self.Status.OUT and self.due_back_at < now


class Room(models.Model):
    """A room or cabinet that holds personal data, with the door system's code."""

    class Kind(models.TextChoices):
        ROOM = "room", _("Room")
        CABINET = "cabinet", _("Cabinet")

    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="rooms",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ROOM)
    # The identifier a door system uses for it in its exports.
    code = models.CharField(_("door system code"), max_length=50, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("inside"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    files = models.ManyToManyField(
        PersonalInformationFile, verbose_name=_("files kept"), blank=True, related_name="rooms"
    )

    class Meta:
        verbose_name = _("room or cabinet")
        verbose_name_plural = _("rooms and cabinets")
        ordering = ["department__name", "name", "id"]

    def __str__(self) -> str:
        return self.name


class RoomAuthorization(models.Model):
    """A person allowed into a room, known to Mamori as a user, or by name and card id."""

    room = models.ForeignKey(
        Room, verbose_name=_("room"), on_delete=models.CASCADE, related_name="authorizations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=100, blank=True)
    card_id = models.CharField(_("card id"), max_length=50, blank=True)
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("authorization to enter")
        verbose_name_plural = _("authorizations to enter")
        ordering = ["room", "person_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(card_id=""),
                name="ledger_authorization_names_someone",
            )
        ]

    def __str__(self) -> str:
        return self.person_name or str(self.user or self.card_id)


class EntryRecord(models.Model):
    """Someone entered a room (and left it), typed in or imported from the door system."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        IMPORT = "import", _("Imported from the door system")

    room = models.ForeignKey(
        Room, verbose_name=_("room"), on_delete=models.PROTECT, related_name="entries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=100, blank=True)
    card_id = models.CharField(_("card id"), max_length=50, blank=True)
    entered_at = models.DateTimeField(_("entered at"))
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    # Flags computed when the entry is recorded.
    outside_hours = models.BooleanField(_("outside working hours"), default=False)
    unauthorized = models.BooleanField(_("not authorized for the room"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("entry record")
        verbose_name_plural = _("entry records")
        ordering = ["-entered_at", "-id"]
        indexes = [models.Index(fields=["room", "entered_at"], name="ledger_entry_room_time")]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=F("entered_at")),
                name="ledger_entry_leaves_after",
            )
        ]

    def __str__(self) -> str:
        return f"{self.room_id} {self.entered_at:%Y-%m-%d %H:%M}"

    @property
    def flagged(self) -> bool:
        return self.outside_hours or self.unauthorized


class IncidentKind(models.TextChoices):
    LEAK = "leak", _("Leak (漏えい)")
    LOSS = "loss", _("Loss (滅失)")
    DAMAGE = "damage", _("Damage (毀損)")


class Incident(models.Model):
    """A leak, loss or damage of personal data (漏えい等), or the risk of one, with the duty to
    report to the Personal Information Protection Commission and to notify the people."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("incident", "Open")
        CLOSED = "closed", pgettext_lazy("incident", "Closed")

    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    file = models.ForeignKey(
        PersonalInformationFile,
        verbose_name=_("file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    contract = models.ForeignKey(
        "vendors.Contract",
        verbose_name=_("contract (when a contractor caused it)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=IncidentKind.choices)
    suspected = models.BooleanField(_("only a risk so far (おそれ)"), default=False)
    # Free text about what happened may name the people involved: encrypted.
    what_happened = EncryptedTextField(_("what happened"))
    occurred_on = models.DateField(_("occurred on"), null=True, blank=True)
    discovered_on = models.DateField(_("known on"))
    people_count = models.PositiveIntegerField(_("number of people"))
    special_care = models.BooleanField(_("special-care information involved"), default=False)
    financial_harm = models.BooleanField(_("risk of financial harm"), default=False)
    malicious = models.BooleanField(_("malicious intent suspected"), default=False)
    ordinance_special_care = models.BooleanField(
        _("information the ordinance requires special care for"), default=False
    )
    # What the report to the Commission states besides the above (free text may name people,
    # even where it should not: encrypted).
    items_concerned = EncryptedTextField(_("items of personal information concerned"), blank=True)
    cause = EncryptedTextField(_("cause"), blank=True)
    secondary_harm = EncryptedTextField(_("secondary harm, or the risk of it"), blank=True)
    publication = EncryptedTextField(_("publication"), blank=True)
    prevention = EncryptedTextField(_("measures to prevent it happening again"), blank=True)
    other_matters = EncryptedTextField(_("other matters for reference"), blank=True)
    prompt_reported_on = models.DateField(_("prompt report (速報) made on"), null=True, blank=True)
    final_reported_on = models.DateField(_("final report (確報) made on"), null=True, blank=True)
    people_notified_on = models.DateField(_("people notified on"), null=True, blank=True)
    notification_note = EncryptedTextField(
        _("how people were notified, or why they could not be"), blank=True
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    # A contractor's own report reaches its department, which acknowledges receipt.
    reported_by_contractor = models.BooleanField(_("reported by the contractor"), default=False)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("receipt acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("receipt acknowledged at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # A contractor's report whose receipt the department has not yet acknowledged.
    AWAITING_ACKNOWLEDGEMENT = Q(reported_by_contractor=True, acknowledged_at__isnull=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-discovered_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def awaiting_acknowledgement(self) -> bool:
        return self.reported_by_contractor and self.acknowledged_at is None
