"""URLs of the ledger: the public register under /register/, the rest under /ledger/."""

from __future__ import annotations

from django.urls import path

from mamori.ledger import views_carry, views_files, views_incidents, views_registrants, views_rooms

app_name = "ledger"

urlpatterns = [
    # The public register of personal information files (no sign-in).
    path("register/", views_files.public_register, name="public_register"),
    path("register/<int:pk>/", views_files.public_file, name="public_file"),
    path("register/export.<str:fmt>", views_files.public_register_export, name="public_export"),
    # Files: their description, recipients, item groups and purposes of provision.
    path("ledger/", views_files.file_list, name="file_list"),
    path("ledger/files/new/", views_files.file_create, name="file_create"),
    path("ledger/files/<int:pk>/", views_files.file_detail, name="file_detail"),
    path("ledger/files/<int:pk>/edit/", views_files.file_edit, name="file_edit"),
    path("ledger/files/<int:pk>/setup/", views_files.file_setup, name="file_setup"),
    path(
        "ledger/files/<int:pk>/setup/<str:kind>/<int:item>/delete/",
        views_files.setup_delete,
        name="setup_delete",
    ),
    # Registrants, their consents and provisions of their data.
    path(
        "ledger/files/<int:pk>/registrants/",
        views_registrants.registrant_list,
        name="registrant_list",
    ),
    path(
        "ledger/files/<int:pk>/registrants/new/",
        views_registrants.registrant_create,
        name="registrant_create",
    ),
    path(
        "ledger/files/<int:pk>/access-purpose/",
        views_registrants.access_purpose,
        name="access_purpose",
    ),
    path(
        "ledger/registrants/<int:pk>/",
        views_registrants.registrant_detail,
        name="registrant_detail",
    ),
    path(
        "ledger/registrants/<int:pk>/edit/",
        views_registrants.registrant_edit,
        name="registrant_edit",
    ),
    path(
        "ledger/registrants/<int:pk>/consents/new/",
        views_registrants.consent_create,
        name="consent_create",
    ),
    path(
        "ledger/registrants/<int:pk>/provisions/new/",
        views_registrants.provision_create,
        name="provision_create",
    ),
    path(
        "ledger/registrants/<int:pk>/provisions/exception/",
        views_registrants.provision_override,
        name="provision_override",
    ),
    path("ledger/exceptions/", views_registrants.override_list, name="override_list"),
    # Carry-outs.
    path("ledger/files/<int:pk>/carry-outs/", views_carry.carry_out_list, name="carry_out_list"),
    path(
        "ledger/files/<int:pk>/carry-outs/new/",
        views_carry.carry_out_create,
        name="carry_out_create",
    ),
    path("ledger/carry-outs/<int:pk>/", views_carry.carry_out_detail, name="carry_out_detail"),
    path(
        "ledger/carry-outs/<int:pk>/approve/",
        views_carry.carry_out_approve,
        name="carry_out_approve",
    ),
    path(
        "ledger/carry-outs/<int:pk>/refuse/", views_carry.carry_out_refuse, name="carry_out_refuse"
    ),
    path(
        "ledger/carry-outs/<int:pk>/return/", views_carry.carry_out_return, name="carry_out_return"
    ),
    # Rooms and cabinets, who may enter them, and who did.
    path("ledger/rooms/", views_rooms.room_list, name="room_list"),
    path("ledger/rooms/new/", views_rooms.room_create, name="room_create"),
    path("ledger/rooms/<int:pk>/", views_rooms.room_detail, name="room_detail"),
    path(
        "ledger/rooms/<int:pk>/authorizations/new/",
        views_rooms.authorization_add,
        name="authorization_add",
    ),
    path(
        "ledger/authorizations/<int:pk>/end/",
        views_rooms.authorization_end,
        name="authorization_end",
    ),
    path("ledger/rooms/<int:pk>/entries/new/", views_rooms.entry_create, name="entry_create"),
    path("ledger/rooms/import/", views_rooms.entries_import, name="entries_import"),
    # Incidents (漏えい等).
    path("ledger/incidents/", views_incidents.incident_list, name="incident_list"),
    path("ledger/incidents/new/", views_incidents.incident_create, name="incident_create"),
    path("ledger/incidents/<int:pk>/", views_incidents.incident_detail, name="incident_detail"),
    path("ledger/incidents/<int:pk>/edit/", views_incidents.incident_edit, name="incident_edit"),
    path(
        "ledger/incidents/<int:pk>/acknowledge/",
        views_incidents.incident_acknowledge,
        name="incident_acknowledge",
    ),
    path(
        "ledger/incidents/<int:pk>/reports/",
        views_incidents.incident_reports,
        name="incident_reports",
    ),
]
