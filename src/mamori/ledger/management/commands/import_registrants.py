"""`mamori import_registrants --file <pk or 部署名/ファイル名> PATH.xlsx [--dry-run]`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from mamori.accounts.models import User
from mamori.ledger import importing
from mamori.ledger.models import PersonalInformationFile


def progress_bar(desc: str, total: int | None) -> importing.Bar:
    """A progress bar on standard error."""
    return tqdm(desc=desc, total=total, unit=_("rows"), file=sys.stderr)


class Command(BaseCommand):
    help = (
        "Import registrants into a personal information file from an .xlsx workbook whose "
        "first row is the header (登録番号, 氏名, ふりがな, 住所, 生年月日, 電話番号, 備考, "
        "登録日, in any order). Every row is checked first; if any is wrong nothing is saved."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the .xlsx workbook")
        parser.add_argument(
            "--file",
            dest="file_key",
            required=True,
            help="the file's number, or 部署名/ファイル名 (e.g. 障害支援課/利用登録者台帳)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the workbook, save nothing"
        )
        parser.add_argument(
            "--user", help="the username the import is recorded as (staff or contractor)"
        )
        parser.add_argument("--batch", type=int, default=importing.DEFAULT_BATCH)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"] < 1:
            raise CommandError(_("--batch must be 1 or more."))
        file = find_file(options["file_key"])
        actor = _actor(options["user"])
        try:
            result = importing.import_registrants(
                file,
                Path(options["path"]),
                actor=actor,
                dry_run=options["dry_run"],
                batch=options["batch"],
                progress=progress_bar,
            )
        except importing.ImportProblem as problem:
            for error in problem.errors:
                self.stderr.write(error)
            raise CommandError(
                _("%(count)s problems found: nothing was imported.")
                % {"count": len(problem.errors)}
            ) from problem
        except PermissionDenied as error:
            raise CommandError(
                _("%(user)s may not see the personal data of “%(file)s”.")
                % {"user": options["user"], "file": file}
            ) from error
        if options["dry_run"]:
            self.stdout.write(
                _("Checked: %(count)s registrants can be imported into “%(file)s”. Nothing saved.")
                % {"count": len(result.numbers), "file": file}
            )
        else:
            self.stdout.write(
                _("Imported %(count)s registrants into “%(file)s”.")
                % {"count": result.created, "file": file}
            )


def find_file(key: str) -> PersonalInformationFile:
    """A file by its number or as 部署名/ファイル名."""
    files = PersonalInformationFile.objects.select_related("department")
    if key.isdigit():
        found = files.filter(pk=int(key)).first()
        if found is None:
            raise CommandError(_("There is no file number %(key)s.") % {"key": key})
        return found
    department, _sep, name = key.partition("/")
    matches = list(files.filter(department__name=department.strip(), name=name.strip())[:2])
    if not matches:
        raise CommandError(
            _("There is no file “%(name)s” of %(department)s.")
            % {"name": name.strip(), "department": department.strip()}
        )
    if len(matches) > 1:
        raise CommandError(
            _("Several departments are named %(department)s: give the file's number.")
            % {"department": department.strip()}
        )
    return matches[0]


def _actor(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("There is no active user %(user)s.") % {"user": username})
    return user
