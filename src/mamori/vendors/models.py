"""Contractors under supervision: vendors, certifications, contracts and their safeguard
clauses, sub-outsourcing approvals, and the end of a contract (return or erasure, handover)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class EntityKind(models.TextChoices):
    """The legal form of a vendor, as written before or after its name."""

    KABUSHIKI = "kabushiki", _("Stock company (株式会社)")
    YUGEN = "yugen", _("Limited company (有限会社)")
    GODO = "godo", _("Limited liability company (合同会社)")
    GAKKO = "gakko", _("School corporation (学校法人)")
    SHAKAI_FUKUSHI = "shakai_fukushi", _("Social welfare corporation (社会福祉法人)")
    NPO = "npo", _("NPO corporation (NPO法人)")
    IPPAN_SHADAN = "ippan_shadan", _("General incorporated association (一般社団法人)")
    IPPAN_ZAIDAN = "ippan_zaidan", _("General incorporated foundation (一般財団法人)")
    OTHER = "other", _("Other")


class VendorQuerySet(models.QuerySet["Vendor"]):
    def under_live_contract(self, today: dt.date) -> VendorQuerySet:
        """Vendors holding a contract, or an approved sub-contract, that runs on that day."""
        live = Contract.objects.live(today)
        approved = Q(sub_contracts__contract__in=live, sub_contracts__approved_on__isnull=False)
        return self.filter(Q(contracts__in=live) | approved).distinct()


class Vendor(models.Model):
    """A company or other body the city contracts with (受託者) or that works under one."""

    legal_name = models.CharField(_("legal name"), max_length=200)
    entity_kind = models.CharField(_("kind of entity"), max_length=20, choices=EntityKind.choices)
    # 法人番号: 13 digits, the first a check digit (法人番号の指定等に関する省令 第2条).
    # Empty for a body without one (a sole proprietor).
    corporate_number = models.CharField(_("corporate number"), max_length=13, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    capital_yen = models.PositiveBigIntegerField(_("capital (yen)"), null=True, blank=True)

    objects = VendorQuerySet.as_manager()

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        ordering = ["legal_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["corporate_number"],
                condition=~Q(corporate_number=""),
                name="vendor_unique_corporate_number",
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name


class VendorContact(models.Model):
    """A person to call at a vendor."""

    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("contact name"), max_length=100)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("telephone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("vendor contact")
        verbose_name_plural = _("vendor contacts")
        ordering = ["vendor", "id"]

    def __str__(self) -> str:
        return self.name


class VendorUser(models.Model):
    """Ties a contractor user to the vendor it works for: it sees that vendor's contracts only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="vendor_link",
    )
    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="users"
    )

    class Meta:
        verbose_name = _("contractor user")
        verbose_name_plural = _("contractor users")

    def __str__(self) -> str:
        return f"{self.user} ({self.vendor})"


def document_path(instance: VendorDocument, filename: str) -> str:
    """Stored under a random name: the uploaded name is kept in the row, never in the path."""
    return f"vendors/{instance.vendor_id}/{uuid.uuid4().hex}"


class VendorDocument(models.Model):
    """A file a vendor or the department filed: certification evidence, 承認願, 消去証明書, …"""

    class Kind(models.TextChoices):
        CERTIFICATION_EVIDENCE = "certification_evidence", _("Certification evidence")
        APPROVAL_REQUEST = "approval_request", _("Sub-outsourcing approval request (承認願)")
        ERASURE_CERTIFICATE = "erasure_certificate", _("Certificate of erasure (消去証明書)")
        RETURN_RECEIPT = "return_receipt", _("Receipt of return (返還受領書)")
        REQUESTED = "requested", _("Requested document")
        OTHER = "other", _("Other")

    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="documents"
    )
    contract = models.ForeignKey(
        "Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("vendor document")
        verbose_name_plural = _("vendor documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title


class CertificationQuerySet(models.QuerySet["Certification"]):
    def confirmed(self) -> CertificationQuerySet:
        return self.filter(confirmed_on__isnull=False)

    def valid_on(self, day: dt.date) -> CertificationQuerySet:
        return self.filter(valid_from__lte=day, expires_on__gte=day)

    def expiring(self, today: dt.date, days: int) -> CertificationQuerySet:
        """Still valid today and expiring within the given number of days."""
        return self.valid_on(today).filter(expires_on__lte=today + dt.timedelta(days=days))


class Certification(models.Model):
    """A vendor's certification (プライバシーマーク, ISMS, …) with its validity and evidence."""

    class Kind(models.TextChoices):
        PRIVACY_MARK = "privacy_mark", _("Privacy Mark (プライバシーマーク)")
        ISMS = "isms", _("ISMS (ISO/IEC 27001)")
        OTHER = "other", _("Other")

    vendor = models.ForeignKey(
        Vendor,
        verbose_name=_("vendor"),
        on_delete=models.CASCADE,
        related_name="certifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name of the certification"), max_length=100, blank=True)
    number = models.CharField(_("registration number"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"))
    expires_on = models.DateField(_("valid until"))
    evidence = models.ForeignKey(
        VendorDocument,
        verbose_name=_("evidence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # City staff confirm a certification against its evidence; one a contractor declared
    # itself stays unconfirmed (and counts for nothing) until they do.
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CertificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["vendor", "expires_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=F("valid_from")),
                name="certification_expires_after_start",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_on__isnull=True, confirmed_by__isnull=True)
                | Q(confirmed_on__isnull=False, confirmed_by__isnull=False),
                name="certification_confirmation_has_confirmer",
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.get_kind_display())

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.expires_on

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_on is not None

    def expires_within(self, today: dt.date, days: int) -> bool:
        return self.is_valid_on(today) and self.expires_on <= today + dt.timedelta(days=days)


class ProcurementMethod(models.TextChoices):
    """How the contractor was chosen (地方自治法第234条)."""

    GENERAL_BID = "general_bid", _("Open tender (一般競争入札)")
    DESIGNATED_BID = "designated_bid", _("Designated tender (指名競争入札)")
    PROPOSAL = "proposal", _("Proposal (プロポーザル方式)")
    NEGOTIATED = "negotiated", _("Negotiated contract (随意契約)")
    OTHER = "other", _("Other")


class ContractQuerySet(models.QuerySet["Contract"]):
    def live(self, today: dt.date) -> ContractQuerySet:
        """Contracts not ended whose period includes that day."""
        return self.filter(status=Contract.Status.LIVE, starts_on__lte=today, ends_on__gte=today)

    def of_departments(self, department_ids: set[int]) -> ContractQuerySet:
        return self.filter(department_id__in=department_ids)

    def of_vendor(self, vendor_id: int) -> ContractQuerySet:
        return self.filter(vendor_id=vendor_id)


class Contract(models.Model):
    """An outsourcing contract of a department, resting on the council's answer."""

    class Status(models.TextChoices):
        LIVE = "live", _("In force")
        ENDED = "ended", _("Ended")
        TERMINATED = "terminated", _("Terminated early")

    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    vendor = models.ForeignKey(
        Vendor, verbose_name=_("contractor"), on_delete=models.PROTECT, related_name="contracts"
    )
    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(_("contract number"), max_length=50, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    procurement_method = models.CharField(
        _("procurement method"), max_length=20, choices=ProcurementMethod.choices
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.LIVE
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("reason for ending early"), blank=True)
    # The contract this one replaces: its contractor hands the data back through the city.
    previous_contract = models.ForeignKey(
        "self",
        verbose_name=_("replaces the contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successors",
    )

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="contract_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status="live") | Q(ended_on__isnull=False),
                name="contract_ended_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_live_on(self, day: dt.date) -> bool:
        return self.status == self.Status.LIVE and self.starts_on <= day <= self.ends_on


class ContractBasis(models.Model):
    """A consultation a contract rests on, with the decision and the record version answered."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="bases"
    )
    consultation = models.ForeignKey(
        "consultations.Consultation",
        verbose_name=_("consultation"),
        on_delete=models.PROTECT,
        related_name="contract_bases",
    )
    decision = models.ForeignKey(
        "consultations.Decision",
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The personal data the contract covers: the HandlingRecord version the council answered.
    answered_version = models.ForeignKey(
        "consultations.HandlingRecordVersion",
        verbose_name=_("record version answered"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("basis of a contract")
        verbose_name_plural = _("bases of contracts")
        ordering = ["contract", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "consultation"], name="contractbasis_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract} ← {self.consultation}"


class Clause(models.Model):
    """A safeguard clause of a contract: present with its article, or absent."""

    class Kind(models.TextChoices):
        CONFIDENTIALITY = "confidentiality", _("Confidentiality (秘密保持)")
        PENALTY = "penalty", _("Penalties (罰則)")
        SUBCONTRACTING = "subcontracting", _("Limits on sub-outsourcing (再委託の制限)")
        COPY_CARRY_OUT = "copy_carry_out", _("No copying or carrying out (複製・持ち出しの禁止)")
        RETURN_ERASURE = "return_erasure", _("Return or erasure (返還・消去)")
        INCIDENT_REPORT = "incident_report", _("Incident reports (事故報告)")
        AUDIT = "audit", _("Inspection and audit (立入検査・監査)")
        TRAINING = "training", _("Staff training (従事者教育)")
        WORK_LOCATION = "work_location", _("Place of work (作業場所)")

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="clauses"
    )
    kind = models.CharField(_("clause"), max_length=20, choices=Kind.choices)
    present = models.BooleanField(_("in the contract"), default=False)
    reference = models.CharField(_("article"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("contract clause")
        verbose_name_plural = _("contract clauses")
        ordering = ["contract", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "kind"], name="clause_unique_kind"),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class Medium(models.TextChoices):
    PAPER = "paper", _("Paper")
    ELECTRONIC = "electronic", _("Electronic data")


class DataHolding(models.Model):
    """A kind of personal data the contractor holds under a contract, and where."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="holdings"
    )
    medium = models.CharField(_("form"), max_length=12, choices=Medium.choices)
    description = models.CharField(_("data"), max_length=200)
    location = models.CharField(_("where it is kept"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("data held")
        verbose_name_plural = _("data held")
        ordering = ["contract", "id"]

    def __str__(self) -> str:
        return self.description


class SubcontractApproval(models.Model):
    """A sub-contractor working under a contract (at any depth), and the city's approval."""

    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        on_delete=models.CASCADE,
        related_name="subcontracts",
    )
    # The tier above: empty when the contractor itself sub-outsources.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("under"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    subcontractor = models.ForeignKey(
        Vendor,
        verbose_name=_("sub-contractor"),
        on_delete=models.PROTECT,
        related_name="sub_contracts",
    )
    scope = models.TextField(_("work sub-contracted"))
    request_document = models.ForeignKey(
        VendorDocument,
        verbose_name=_("approval request (承認願)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    consultation = models.ForeignKey(
        "consultations.Consultation",
        verbose_name=_("consultation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subcontract_approvals",
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The city may refuse a request instead: the sub-contractor must then not work.
    refused_on = models.DateField(_("refused on"), null=True, blank=True)
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("refused by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)

    class Meta:
        verbose_name = _("sub-outsourcing approval")
        verbose_name_plural = _("sub-outsourcing approvals")
        ordering = ["contract", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True, approved_by__isnull=True)
                | Q(approved_on__isnull=False, approved_by__isnull=False),
                name="subcontract_approval_has_approver",
            ),
            models.CheckConstraint(
                condition=Q(refused_on__isnull=True, refused_by__isnull=True)
                | Q(refused_on__isnull=False, refused_by__isnull=False),
                name="subcontract_refusal_has_refuser",
            ),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True) | Q(refused_on__isnull=True),
                name="subcontract_not_approved_and_refused",
            ),
        ]

    def __str__(self) -> str:
        return str(self.subcontractor)

    @property
    def is_approved(self) -> bool:
        return self.approved_on is not None

    @property
    def is_refused(self) -> bool:
        return self.refused_on is not None


class ReturnErasureQuerySet(models.QuerySet["ReturnErasure"]):
    def open(self) -> ReturnErasureQuerySet:
        return self.exclude(status=ReturnErasure.Status.VERIFIED)

    def overdue(self, today: dt.date) -> ReturnErasureQuerySet:
        """Past due with no certificate filed."""
        return self.filter(status=ReturnErasure.Status.OPEN, due_on__lt=today)


class ReturnErasure(models.Model):
    """At the end of a contract: return one kind of data to the city, or erase it, proven."""

    class Action(models.TextChoices):
        RETURN = "return", _("Return to the city")
        ERASE = "erase", _("Erase")

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting the certificate")
        SUBMITTED = "submitted", _("Certificate filed, awaiting verification")
        VERIFIED = "verified", _("Verified")

    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        on_delete=models.CASCADE,
        related_name="return_erasures",
    )
    holding = models.ForeignKey(
        DataHolding,
        verbose_name=_("data held"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="return_erasures",
    )
    # Copied from the holding, so the task reads the same if the holding is edited later.
    medium = models.CharField(_("form"), max_length=12, choices=Medium.choices)
    description = models.CharField(_("data"), max_length=200)
    location = models.CharField(_("where it is kept"), max_length=200, blank=True)
    action = models.CharField(_("to do"), max_length=10, choices=Action.choices)
    due_on = models.DateField(_("due on"))
    # Why the department moved the due date (required when it does; the audit trail keeps
    # the dates before and after).
    due_on_reason = models.TextField(_("reason for changing the due date"), blank=True)
    method = models.CharField(_("method"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    certificate = models.ForeignKey(
        VendorDocument,
        verbose_name=_("certificate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("certificate filed at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("certificate filed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Why the department last sent the certificate back; shown to the contractor.
    rejection_reason = models.TextField(_("reason for sending back"), blank=True)

    objects = ReturnErasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("return or erasure")
        verbose_name_plural = _("returns and erasures")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(certificate__isnull=False),
                name="returnerasure_filed_has_certificate",
            ),
            models.CheckConstraint(
                condition=~Q(status="verified")
                | Q(verified_on__isnull=False, verified_by__isnull=False),
                name="returnerasure_verified_has_verifier",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def is_overdue(self, today: dt.date) -> bool:
        return self.status == self.Status.OPEN and self.due_on < today


class Handover(models.Model):
    """Data passing from a replaced contractor to its successor, through the city."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not yet returned to the city")
        RECEIVED = "received", _("Received by the city")
        CHECKED = "checked", _("Checked by the city")
        HANDED_OVER = "handed_over", _("Handed over to the new contractor")
        DIRECT = "direct", _("Passed directly between contractors (not compliant)")

    old_contract = models.ForeignKey(
        Contract,
        verbose_name=_("old contract"),
        on_delete=models.PROTECT,
        related_name="handovers_out",
    )
    new_contract = models.ForeignKey(
        Contract,
        verbose_name=_("new contract"),
        on_delete=models.PROTECT,
        related_name="handovers_in",
    )
    description = models.CharField(_("data handed over"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    received_on = models.DateField(_("received from the old contractor on"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handed_over_on = models.DateField(
        _("handed over to the new contractor on"), null=True, blank=True
    )
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    direct_transfer_on = models.DateField(_("passed directly on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["old_contract", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(checked_on__isnull=True) | Q(received_on__isnull=False),
                name="handover_checked_after_received",
            ),
            models.CheckConstraint(
                condition=Q(handed_over_on__isnull=True) | Q(checked_on__isnull=False),
                name="handover_handed_over_after_checked",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_compliant(self) -> bool:
        return self.status != self.Status.DIRECT


class DocumentRequest(models.Model):
    """A document the department asks of its contractor, and the file filed in answer."""

    class Status(models.TextChoices):
        OPEN = "open", _("Requested")
        SUBMITTED = "submitted", _("Submitted")

    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        on_delete=models.CASCADE,
        related_name="document_requests",
    )
    title = models.CharField(_("document"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    document = models.ForeignKey(
        VendorDocument,
        verbose_name=_("document filed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("document request")
        verbose_name_plural = _("document requests")
        ordering = ["contract", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(document__isnull=False),
                name="documentrequest_submitted_has_document",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReminderLog(models.Model):
    """One item of one day's reminder to one person: running `remind` twice sends it once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    sent_on = models.DateField(_("sent on"))
    # What was reminded: "followup:12:overdue", "erasure:3:due_soon", "certification:5".
    item = models.CharField(_("item"), max_length=100)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "sent_on", "item"], name="reminderlog_unique_item_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sent_on} {self.item}"
