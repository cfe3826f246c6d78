"""Pages of the file register: the public register and its exports (no sign-in), the internal
list with its exports, a file's page, its description and its setup."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mamori.accounts.models import Department
from mamori.consultations.models import Consultation
from mamori.core.access import require
from mamori.core.http import AuthenticatedRequest
from mamori.ledger import access, exports, rules
from mamori.ledger.forms_files import (
    SETUP_FORMS,
    FileFilterForm,
    FileForm,
    RegisterSearchForm,
    add_service_errors,
)
from mamori.ledger.models import (
    CarryOut,
    ItemGroup,
    PersonalInformationFile,
    ProvisionPurpose,
    Recipient,
)
from mamori.ledger.services import files as file_services
from mamori.ledger.views_carry import status_label
from mamori.review.rules.legal import FILE_REGISTER_THRESHOLD
from mamori.vendors.forms import answered_consultations, departments_for
from mamori.vendors.models import Contract

# The number of people above which a file must be in the register (R33): the review rule's.
REGISTER_THRESHOLD = FILE_REGISTER_THRESHOLD
EXPORT_FORMATS = ("csv", "xlsx")
SETUP_KINDS = ("recipient", "item_group", "purpose")


def _with_department(files: QuerySet[PersonalInformationFile]) -> QuerySet[PersonalInformationFile]:
    return files.select_related("department__parent__parent")


# The public register ----------------------------------------------------------------------


def _published(search: RegisterSearchForm) -> QuerySet[PersonalInformationFile]:
    files = _with_department(PersonalInformationFile.objects.published())
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    for word in query.split():
        files = files.filter(
            Q(name__icontains=word) | Q(purpose__icontains=word) | Q(items__icontains=word)
        )
    return files


def public_register(request: HttpRequest) -> HttpResponse:
    """The published files, grouped by department, with a search over name, purpose, items."""
    search = RegisterSearchForm(request.GET or None)
    return render(
        request,
        "ledger/public_register.html",
        {"search": search, "files": list(_published(search))},
    )


def public_file(request: HttpRequest, pk: int) -> HttpResponse:
    file = get_object_or_404(_with_department(PersonalInformationFile.objects.published()), pk=pk)
    return render(
        request,
        "ledger/public_file.html",
        {"file": file, "register": exports.register_rows(file)},
    )


def public_register_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    files = _with_department(PersonalInformationFile.objects.published())
    return exports.export_response(files, fmt)


# The internal list --------------------------------------------------------------------------


def _counted(files: QuerySet[PersonalInformationFile]) -> QuerySet[PersonalInformationFile]:
    now = timezone.now()
    out = Q(carry_outs__status=CarryOut.Status.OUT)
    return files.annotate(
        registrant_count=Count("registrants", distinct=True),
        outstanding_count=Count("carry_outs", filter=out, distinct=True),
        overdue_count=Count(
            "carry_outs", filter=out & Q(carry_outs__due_back_at__lt=now), distinct=True
        ),
    )


@login_required
def file_list(request: AuthenticatedRequest) -> HttpResponse:
    """The files the user may see, with their registrants and carry-outs out or overdue;
    `?export=csv|xlsx` downloads them as the register."""
    user = request.user
    files = _with_department(access.files_visible_to(user))
    overseer = user.is_secretariat or user.is_auditor
    filters = FileFilterForm(
        request.GET or None, departments=departments_for(user) if overseer else None
    )
    department = filters.chosen_department()
    if department is not None:
        files = files.filter(department_id__in=department.subtree_ids())
    export = request.GET.get("export")
    if export is not None:
        if export not in EXPORT_FORMATS:
            raise Http404
        return exports.export_response(files, export)
    return render(
        request,
        "ledger/file_list.html",
        {
            "files": list(_counted(files)),
            "filters": filters,
            "may_create": access.may_edit_file(user),
            "query": request.GET.urlencode(),
        },
    )


# A file's description -----------------------------------------------------------------------


def _departments_kept_by(user: Any) -> QuerySet[Department]:
    return departments_for(user)


def _form(
    request: AuthenticatedRequest,
    *,
    departments: QuerySet[Department],
    file: PersonalInformationFile | None = None,
    **kwargs: Any,
) -> FileForm:
    ids = set(departments.values_list("pk", flat=True))
    consultations = answered_consultations(
        Consultation.objects.filter(department_id__in=ids)
    ).select_related("council")
    return FileForm(
        request.POST or None,
        departments=departments if file is None else None,
        consultations=consultations,
        contracts=Contract.objects.filter(department_id__in=ids).order_by("-starts_on"),
        may_change_contracts=access.may_change_file_contracts(request.user, file),
        instance=file,
        **kwargs,
    )


FIELD_BY_CODE = {
    "duplicate_name": "name",
    "department": "consultation",
    "decision": "decision",
    "contract_department": "contracts",
}


@login_required
def file_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require(access.may_edit_file(user))
    form = _form(request, departments=_departments_kept_by(user))
    if request.method == "POST" and form.is_valid():
        try:
            file = file_services.create_file(
                actor=user, department=form.cleaned_data["department"], **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error, FIELD_BY_CODE)
        else:
            messages.success(request, _("The file was added to the register."))
            return redirect("ledger:file_detail", pk=file.pk)
    return render(request, "ledger/file_form.html", {"form": form, "file": None})


@login_required
def file_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    file = access.get_file_for_user(user, pk)
    require(access.may_edit_file(user, file))
    departments = Department.objects.filter(pk=file.department_id)
    form = _form(request, departments=departments, file=file)
    if request.method == "POST" and form.is_valid():
        try:
            file_services.update_file(actor=user, file=file, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error, FIELD_BY_CODE)
        else:
            messages.success(request, _("The file's description was saved."))
            return redirect("ledger:file_detail", pk=file.pk)
    shown = PersonalInformationFile.objects.select_related("department").get(pk=file.pk)
    return render(request, "ledger/file_form.html", {"form": form, "file": shown})


@login_required
def file_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    file = access.get_file_for_user(user, pk)
    now = timezone.now()
    carry_outs = list(file.carry_outs.select_related("carried_by")[:10])
    return render(
        request,
        "ledger/file_detail.html",
        {
            "file": file,
            "contracts": file.contracts.select_related("vendor").order_by("-starts_on"),
            "recipients": file.recipients.all(),
            "item_groups": file.item_groups.all(),
            "purposes": file.purposes.all(),
            "rooms": file.rooms.all(),
            "carry_outs": [(c, status_label(c, now)) for c in carry_outs],
            "overdue_ids": {c.pk for c in carry_outs if c.is_overdue(now)},
            "rules": rules.carry_out_rules(file),
            "answer": rules.answer_of(file)[0],
            "may_edit": access.may_edit_file(user, file),
            "may_see_personal_data": access.may_see_personal_data(user, file),
            "may_record_carry_out": access.may_record_carry_out(user, file),
            "needs_register": (file.expected_subjects or 0) > REGISTER_THRESHOLD
            and not file.published,
            "register": exports.register_rows(file),
            "register_duty": register_duty(file),
        },
    )


def register_duty(file: PersonalInformationFile) -> str:
    """Whether the number of people puts the file under the duty to publish it (R33)."""
    count = file.expected_subjects
    if count is None:
        return _("Enter the number of people to know whether the file must be published.")
    if count > REGISTER_THRESHOLD:
        return _(
            "More than 1,000 people: the personal information file must be entered in the "
            "register of personal information files (個人情報ファイル簿)."
        )
    return _("1,000 people or fewer: not required to be published (it may be, by choice).")


# Setup: recipients, item groups, purposes ----------------------------------------------------


def _editable_file(user: Any, pk: int) -> PersonalInformationFile:
    file = access.get_file_for_user(user, pk)
    require(access.may_edit_file(user, file))
    return file


def _add_setup_item(
    user: Any, file: PersonalInformationFile, kind: str, data: dict[str, Any]
) -> None:
    if kind == "recipient":
        file_services.add_recipient(actor=user, file=file, **data)
    elif kind == "item_group":
        file_services.add_item_group(actor=user, file=file, **data)
    else:
        file_services.add_purpose(actor=user, file=file, **data)


@login_required
def file_setup(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Add the recipients, item groups and purposes that consents refer to."""
    user = request.user
    file = _editable_file(user, pk)
    kind = request.POST.get("kind", "") if request.method == "POST" else ""
    forms = {
        name: form_class(request.POST if name == kind else None, prefix=name)
        for name, form_class in SETUP_FORMS.items()
    }
    if kind in forms and forms[kind].is_valid():
        try:
            _add_setup_item(user, file, kind, forms[kind].cleaned_data)
        except ValidationError as error:
            add_service_errors(forms[kind], error, {"duplicate_name": "name", "required": "name"})
        else:
            messages.success(request, _("It was added."))
            return redirect("ledger:file_setup", pk=file.pk)
    present = set(file.recipients.values_list("name", flat=True))
    answered = [
        (name, said is not False)
        for name, said in rules.answered_written_consent(file).items()
        if name not in present
    ]
    return render(
        request,
        "ledger/setup.html",
        {
            "file": file,
            "forms": forms,
            "answered_recipients": answered,
            "sections": [
                ("recipient", _("Recipients"), file.recipients.all(), forms["recipient"]),
                ("item_group", _("Item groups"), file.item_groups.all(), forms["item_group"]),
                ("purpose", _("Purposes of provision"), file.purposes.all(), forms["purpose"]),
            ],
        },
    )


def _setup_item(
    file: PersonalInformationFile, kind: str, pk: int
) -> Recipient | ItemGroup | ProvisionPurpose:
    if kind == "recipient":
        return get_object_or_404(Recipient, pk=pk, file=file)
    if kind == "item_group":
        return get_object_or_404(ItemGroup, pk=pk, file=file)
    if kind == "purpose":
        return get_object_or_404(ProvisionPurpose, pk=pk, file=file)
    raise Http404


@login_required
@require_POST
def setup_delete(request: AuthenticatedRequest, pk: int, kind: str, item: int) -> HttpResponse:
    user = request.user
    file = _editable_file(user, pk)
    obj = _setup_item(file, kind, item)
    try:
        file_services.delete_setup_item(actor=user, item=obj)
    except file_services.SetupItemInUse as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("“%(name)s” was deleted.") % {"name": obj.name})
    return redirect("ledger:file_setup", pk=file.pk)
