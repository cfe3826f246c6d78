"""Seed the kinds of consultation a council is asked about (council-domain notes, 1.2)."""

from django.db import migrations

KINDS = [
    ("outsourcing", "業務委託"),
    ("sub-outsourcing", "再委託"),
    ("use-beyond-purpose", "目的外利用"),
    ("external-provision", "外部提供"),
    ("no-notice", "本人通知の省略"),
    ("indirect-collection", "本人外収集"),
    ("special-care-collection", "要配慮個人情報の収集"),
    ("computer-record-items", "電子計算機への記録項目"),
    ("online-connection", "オンライン結合"),
    ("pia-third-party-check", "特定個人情報保護評価の第三者点検"),
    ("system-operation", "制度・運用"),
    ("other", "その他"),
]


def add_kinds(apps, schema_editor):
    kind = apps.get_model("consultations", "ConsultationKind")
    for order, (code, name) in enumerate(KINDS, start=1):
        if not kind.objects.filter(name=name).exists():
            kind.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("consultations", "0002_initial")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
