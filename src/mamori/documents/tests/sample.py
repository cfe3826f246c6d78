"""A hand-made Document with every kind of block, for the renderers' tests.

Japanese text, full-width (２１) and half-width (300) numerals, and one withheld run whose
original text is still in the run (as if `redact` had not run): a renderer that printed
`run.text` instead of `run.display` would leak it, and the tests search every output for it.
"""

from __future__ import annotations

from mamori.documents.model import (
    Document,
    Heading,
    Items,
    Paragraph,
    Run,
    Signature,
    Table,
)

TITLE = "障害者就労支援事業業務委託について（答申）"
REFERENCE = ["２１東個審第４号", "平成２１年８月６日"]
ADDRESSEE = ["東村山市長　渡部　尚　様"]
SENDER = ["東村山市個人情報保護運営審議会", "会長　木村　茂光"]
AUTHOR = "東村山市個人情報保護運営審議会"
LEAD = "平成２１年７月３０日付けで諮問のあった諮問第４号について、下記のとおり答申します。"
PARTICULARS = "記"
HEADING = "１　答申"
DECISION = "諮問どおり行うことを「可」とする。"
TABLE_CAPTION = "委託の概要"
TABLE_HEADER = ["項目", "内容"]
TABLE_CELLS = [
    ("委託先", "社会福祉法人東村山福祉会"),
    ("委託料", "年額300万円（予定）"),
    ("契約期間", "平成21年10月1日から平成22年3月31日まで"),
]
OPINION = (
    "● 諮問書P.23に「利用登録者台帳等の個人情報を持ち出す場合」とあるが、"
    "電子データの持ち出しを想定しているのか。"
)
RESPONSE = "利用登録者台帳は紙ベースで保管し、電子データの持ち出しは想定していない。"
ORDERED = [
    "持ち出しを紙ベースに限る旨を仕様書に明記すること。",
    "罰則を契約書特約条項に明記すること。",
]
UNORDERED = ["諮問書", "セキュリティ合意書"]
NOTE = "この答申は、東村山市個人情報保護条例第１２条の規定による。"
CLOSING = "以上"
SIGNATURE = ["東村山市個人情報保護運営審議会", "会長　木村　茂光"]
SEAL = "（公印省略）"

# The withheld run: its original text must appear in no rendered file.
WITHHELD_TEXT = "山田太郎（電話042-393-5111）"
WITHHELD_GROUND = "情報公開条例第6条第1号"
WITHHELD_DISPLAY = f"■■■（{WITHHELD_GROUND}）"
# A word printed next to the withheld run, to find where it stands.
BEFORE_WITHHELD = "相談員は"
AFTER_WITHHELD = "が務める。"


def sample_document() -> Document:
    """An answer-like letter using every block type, with a withheld run."""
    return Document(
        kind="answer",
        title=TITLE,
        reference=list(REFERENCE),
        addressee=list(ADDRESSEE),
        sender=list(SENDER),
        key="2009-4",
        author=AUTHOR,
        blocks=[
            Paragraph([Run(LEAD)]),
            Paragraph([Run(PARTICULARS)], align="center"),
            Heading(HEADING, level=2),
            Paragraph([Run(DECISION, bold=True)], style="lead", indent=1),
            Table(
                header=list(TABLE_HEADER),
                rows=[[[Run(label)], [Run(value)]] for label, value in TABLE_CELLS],
                caption=TABLE_CAPTION,
                widths=[1, 3],
            ),
            Paragraph(
                [
                    Run(BEFORE_WITHHELD),
                    Run(WITHHELD_TEXT, withheld=WITHHELD_GROUND),
                    Run(AFTER_WITHHELD),
                ]
            ),
            Heading("２　委員意見及び障害支援課の回答", level=3),
            Paragraph([Run(OPINION)], style="mark"),
            Paragraph([Run(RESPONSE)], indent=1),
            Items([[Run(text)] for text in ORDERED], ordered=True),
            Items([[Run(text)] for text in UNORDERED]),
            Paragraph([Run(NOTE)], style="note"),
            Paragraph([Run(CLOSING)], align="right"),
            Signature(lines=list(SIGNATURE), seal=SEAL),
        ],
    )


def texts_in_order() -> list[str]:
    """The sample's texts in the order every format must print them."""
    return [
        *REFERENCE,
        *ADDRESSEE,
        *SENDER,
        TITLE,
        LEAD,
        PARTICULARS,
        HEADING,
        DECISION,
        TABLE_CAPTION,
        *TABLE_HEADER,
        *(text for row in TABLE_CELLS for text in row),
        BEFORE_WITHHELD,
        WITHHELD_DISPLAY,
        AFTER_WITHHELD,
        OPINION,
        RESPONSE,
        *ORDERED,
        *UNORDERED,
        NOTE,
        CLOSING,
        *SIGNATURE,
        SEAL,
    ]
