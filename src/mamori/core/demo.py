"""Demo data: the seed meeting (平成21年度第3回, 2009-08-06) loaded through the services.

The text of the opinions, responses and report is the seed minutes' own; the people are
fictitious (the structure and roles are the seed's), and so is the contractor, みどり学園.
The HandlingRecords reconstructed from the minutes are in demo_records. After the answer, the
department files version 2 of 諮問第4号 (the contractor chosen by the proposal), so the demo
shows a consultation "changed since the answer" with its diff.
Every write goes through a use case, so the whole demo is in the audit trail.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any, NamedTuple

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from mamori.accounts.models import Department, Role, User
from mamori.audit.writes import create_audited
from mamori.consultations.attachments import declare_fact, upload_attachment
from mamori.consultations.lifecycle import (
    accept_consultation,
    file_version,
    record_decision,
    save_record_draft,
    start_deliberation,
    submit_consultation,
)
from mamori.consultations.models import Consultation, ConsultationKind, Decision, Opinion
from mamori.consultations.services import (
    create_consultation,
    create_follow_up,
    create_report,
    record_opinion,
    record_response,
)
from mamori.core import demo_ledger, demo_records, demo_vendors
from mamori.core.demo_records import AttachmentSeed
from mamori.council.models import (
    AgendaItem,
    Council,
    DisclosureGround,
    Meeting,
    Membership,
    Openness,
    StaffAttendee,
)
from mamori.council.services import (
    add_agenda_item,
    add_staff_attendee,
    appoint_member,
    create_council,
    create_meeting,
    publish_minutes,
    record_attendance,
    update_minutes,
)
from mamori.documents.redaction import meeting_attachments
from mamori.documents.services import set_material_disclosure

USE_CASE = "core.load_demo"
BU, KA, KAKARI = Department.Level.BU, Department.Level.KA, Department.Level.KAKARI


# --- Departments: (name, level, parent's name) -------------------------------------------------

DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("総務部", BU, ""),
    ("総務課", KA, "総務部"),
    ("情報公開係", KAKARI, "総務課"),
    ("情報システム課", KA, "総務部"),
    ("健康福祉部", BU, ""),
    ("障害支援課", KA, "健康福祉部"),
    ("子ども家庭部", BU, ""),
    ("子ども総務課", KA, "子ども家庭部"),
)
SECRETARIAT = "情報公開係"
SECRETARIAT_PHONE = "042-393-5111(内線2317)"
SECRETARIAT_FAX = "042-390-6227"

# --- The council ------------------------------------------------------------------------------

COUNCIL: dict[str, str] = {
    "municipality": "東村山市",
    "name": "個人情報保護運営審議会",
    "slug": "kojin-hogo",
    "consultation_numbering": Council.Numbering.PER_FISCAL_YEAR,
    "contact": (
        "総務部 総務課 情報公開係\n"
        "担当者名 中川・西村\n"
        f"電話番号 {SECRETARIAT_PHONE}\n"
        f"ファックス番号 {SECRETARIAT_FAX}"
    ),
}
TERM = (dt.date(2008, 7, 1), dt.date(2010, 6, 30))


class Member(NamedTuple):
    """A council member of the seed, under a fictitious name."""

    username: str
    name: str
    role: str
    present: bool


MEMBERS: tuple[Member, ...] = (
    Member("kaicho", "秋山正道", Membership.Role.CHAIR, True),
    Member("iin-inoue", "井上健二", Membership.Role.VICE_CHAIR, True),
    Member("iin", "宇田川直子", Membership.Role.MEMBER, True),
    Member("iin-endo", "遠藤浩之", Membership.Role.MEMBER, True),
    Member("iin-ogawa", "小川久美子", Membership.Role.MEMBER, True),
    Member("iin-katayama", "片山由美", Membership.Role.MEMBER, False),
    Member("iin-kikuchi", "菊池達也", Membership.Role.MEMBER, False),
)


class Account(NamedTuple):
    """A demo user who is not a council member."""

    username: str
    role: str
    name: str
    title: str
    department: str


ACCOUNTS: tuple[Account, ...] = (
    Account("jimukyoku", Role.SECRETARIAT, "西村美香", "情報公開係主任", SECRETARIAT),
    Account("shogai", Role.DEPARTMENT_STAFF, "森本隆", "障害支援課長", "障害支援課"),
    Account("kodomo", Role.DEPARTMENT_STAFF, "山口敦子", "子ども総務課長", "子ども総務課"),
    Account("jutaku", Role.CONTRACTOR, "緑川聡", "みどり学園 事務長", ""),
    Account("kansa", Role.AUDITOR, "谷口亮", "監査担当", ""),
)


class SignIn(NamedTuple):
    """A demo sign-in, printed by `mamori demo` (for demonstrations only)."""

    username: str
    password: str
    role: Promise
    department: str


SIGN_INS: tuple[SignIn, ...] = (
    SignIn(
        "jimukyoku",
        "demo-jimukyoku-2009",
        pgettext_lazy("demo sign-in", "Secretariat"),
        SECRETARIAT,
    ),
    SignIn(
        "shogai",
        "demo-shogai-2009",
        pgettext_lazy("demo sign-in", "Department staff"),
        "障害支援課",
    ),
    SignIn(
        "kodomo",
        "demo-kodomo-2009",
        pgettext_lazy("demo sign-in", "Department staff"),
        "子ども総務課",
    ),
    SignIn(
        "kaicho", "demo-kaicho-2009", pgettext_lazy("demo sign-in", "Council member (chair)"), ""
    ),
    SignIn("iin", "demo-iin-2009", pgettext_lazy("demo sign-in", "Council member"), ""),
    SignIn("jutaku", "demo-jutaku-2009", pgettext_lazy("demo sign-in", "Contractor"), ""),
    # The contractor of 諮問第4号's employment support work: sees the ledger's registrants.
    SignIn("keyakino", "demo-keyakino-2009", pgettext_lazy("demo sign-in", "Contractor"), ""),
    SignIn("kansa", "demo-kansa-2009", pgettext_lazy("demo sign-in", "Auditor"), ""),
)

# --- The meeting ------------------------------------------------------------------------------

MEETING: dict[str, Any] = {
    "number": 3,
    "date": dt.date(2009, 8, 6),
    "start_time": dt.time(18, 55),
    "end_time": dt.time(20, 30),
    "place": "東村山市役所3階庁議室",
    "openness": Openness.CLOSED,
    "closure_reason": (
        "会議の中で、東村山市情報公開条例第6条各号に規定する非公開情報(個人情報や、"
        "市の情報セキュリティ対策の詳細情報など)が含まれる事項を審議するため"
    ),
}
CLOSURE_GROUNDS = ("情報公開条例第6条第1号", "情報公開条例第6条第5号")
# The seed's minutes are on the city's site; its materials are not (「会議の資料は公表しない」),
# for the reason below. Each material is withheld under the ordinance's ground for contract and
# security information, and the secretariat's officer publishes the minutes. No words of the
# minutes are withheld: the sub-contractor of 諮問第5号 is named only in its materials.
MATERIALS_GROUND = "情報公開条例第6条第5号"
MINUTES_PUBLISHER = "jimukyoku"
MINUTES_PUBLISHED_ON = dt.date(2009, 9, 1)
MATERIALS_REASON = (
    "情報公開条例第6条各号に規定する非公開情報(個人情報や市の情報セキュリティ対策の詳細情報、"
    "これから予定している委託契約の情報など)が含まれており、公開することにより情報を早く得た者が"
    "契約に有利になったり、コンピュータシステムに不正侵入されるといったおそれがあるため。"
)

# (capacity, name, title, department)
STAFF: tuple[tuple[str, str, str, str], ...] = (
    (StaffAttendee.Capacity.SECRETARIAT, "佐野", "総務部長", "総務部"),
    (StaffAttendee.Capacity.SECRETARIAT, "田辺", "総務課長", "総務課"),
    (StaffAttendee.Capacity.SECRETARIAT, "中川", "情報公開係長", SECRETARIAT),
    (StaffAttendee.Capacity.SECRETARIAT, "西村", "情報公開係主任", SECRETARIAT),
    (StaffAttendee.Capacity.EXPLAINER, "森本", "障害支援課長", "障害支援課"),
    (StaffAttendee.Capacity.EXPLAINER, "山口", "子ども総務課長", "子ども総務課"),
)

# --- Consultations, opinions and responses ----------------------------------------------------

QUESTION, REQUEST, REMARK = Opinion.Kind.QUESTION, Opinion.Kind.REQUEST, Opinion.Kind.REMARK


class Exchange(NamedTuple):
    """A member's opinion and the response, as the minutes record them."""

    member: str
    kind: str
    opinion: str
    response: str
    # Set when another department answers; the minutes then name it: 了解した。（総務課）
    answered_by: str = ""


class Seed(NamedTuple):
    """A consultation deliberated at the demo meeting."""

    number: int
    title: str
    department: str
    kinds: tuple[str, ...]
    summary: str
    exchanges: tuple[Exchange, ...]
    # The HandlingRecord submitted with it (a document of demo_records) and its attachments.
    record: dict[str, Any]
    attachments: tuple[AttachmentSeed, ...] = ()


SUBMITTED_ON = dt.date(2009, 7, 30)

CONSULTATION_4 = Seed(
    number=4,
    title="障害者就労支援事業業務委託",
    department="障害支援課",
    kinds=("業務委託", "外部提供"),
    summary=(
        "障害者の就労支援(就労相談、関係機関と連携した職場定着支援)を、プロポーザル方式で選ぶ"
        "法人に委託する。利用登録者台帳は紙で保管し、利用登録申出書の基礎情報のみパソコンで"
        "データベース化する予定。"
    ),
    exchanges=(
        Exchange(
            "iin",
            QUESTION,
            "諮問書P.23に「利用登録者台帳等の個人情報を持ち出す場合」とあるが、電子データを媒体に"
            "保存しての持ち出しと、紙ベースでの持ち出しの両方を想定しているのか。",
            "利用登録者台帳は紙ベースで保管し、手書きでケース記録をつける予定である。したがって"
            "電子データではなく紙での持ち出しになる。台帳の表紙にあたる利用登録申出書の記載事項"
            "(氏名・住所等の基礎情報)についてはパソコンに入力してデータベース化を許可する予定だが、"
            "その電子データの持ち出しは想定していない。",
        ),
        Exchange(
            "iin-endo",
            REQUEST,
            "持ち出しを紙ベースに限るのであればその旨を仕様書等に明記してはどうか。",
            "仕様書もしくはセキュリティ合意書に明記することにする。",
        ),
        Exchange(
            "iin-ogawa",
            QUESTION,
            "受託者から市の障害支援課へ電子データで個人情報が提供されることはあるのか。",
            "ない。",
        ),
        Exchange(
            "iin-inoue",
            REQUEST,
            "受託者がハローワークや学校などと連携して就労支援にあたる際に、これらの機関と利用者の"
            "個人情報を共有することが予想される。受託者から個人情報を提供するのであれば、提供に"
            "ついて利用者の同意書をもったほうがよいのではないか。",
            "「どういう目的でどのような情報をいただくのか」について、最初の利用登録時に利用者に"
            "十分説明して、書面で同意をとるよう受託者に求める予定である。説明や同意のとり方には、"
            "厚生労働省が出している「福祉関係事業者における個人情報の適正な取扱いのための"
            "ガイドライン」を参考にしよう。\n"
            "また、受託者はハローワーク、市、学校、作業所などと連携して利用者の支援にあたるため、"
            "支援に必要なときはこれらの機関に個人情報を提供することがある。このときは事前に利用者の"
            "同意を得てから行う。利用者が提供を拒否した個人情報は原則、提供しない。",
        ),
        Exchange(
            "iin-endo",
            QUESTION,
            "どれぐらいの利用者数を見込んでいるのか。コーディネーター2人では対応できる利用者数は"
            "かなり少ないのではないか。",
            "先行して実施している他市ではコーディネーターを2人以上配置し、コーディネーター1人に"
            "つき20~30名の利用者を受け持っている。当市ももっと人数を多く配置したいが、委託料として"
            "支払える額が限られているため最低2名常勤を基準とした。",
        ),
        Exchange(
            "iin",
            REQUEST,
            "他市で先行実施しているところはすべて委託なのか。業務内容からすると本来は市職員が"
            "やるべき仕事と思う。委託するのであれば、個人情報漏えいについては委託業務の従事者にも"
            "市職員と同等の罰則が科せられるということを契約書特約条項に明記してほしい。",
            "都内はすべて委託であり、行政が直営でやっているところはない。罰則については特約条項に"
            "明記する。",
        ),
        Exchange(
            "iin-ogawa",
            QUESTION,
            "業務がうまく実施されるかどうかはコーディネーターの資質に左右されるが、資質をどう判断"
            "するか。委託契約は法人とするので、コーディネーターの能力に問題がある場合は人の交代を"
            "法人に求めることが可能か。",
            "明らかに能力に問題があれば、交代も含めて市と受託者で協議する。",
        ),
        Exchange(
            "iin-inoue",
            REQUEST,
            "受託者を変更した場合には、旧受託者が委託事業に関する個人情報を市に返却せず残っていて"
            "後日漏えいさせてしまうといったリスクがある。業務終了後は保管している個人情報すべてを"
            "市に返還又は消去しなければならないことを義務付けてほしい。",
            "秘密の保持は契約書約款第7条に、個人情報の返還義務は特約条項第12条に定めている。"
            "個人情報の形態が紙ベースでも電子データでも同じく、市の指示にしたがって返還もしくは"
            "消去を義務づけている。",
        ),
        Exchange(
            "iin-ogawa",
            QUESTION,
            "受託者を変更した場合に、旧受託者から新受託者へ利用者の個人情報が引継ぎされるのか。",
            "引継ぎは新旧受託者間でやるのではなく、旧受託者から市に返還されたものを市から新受託者"
            "へ渡すのが原則である。",
        ),
        Exchange(
            "iin",
            REQUEST,
            "パソコン等の機器の設置管理は受託者の責任となっているが、パソコンの修理業者はどのように"
            "選ぶのか。修理作業中にパソコン内の個人情報にさわられるため、パソコンの修理作業は"
            "個人情報漏えいのリスクのひとつである。プライバシーマークを持った業者を選ぶなどのリスク"
            "回避が重要であることを市から指導してほしい。",
            "修理業者は受託者が選ぶことになるが、適切に選ぶ必要性があることを指導する。",
        ),
        Exchange(
            "kaicho",
            REQUEST,
            "本事業はこれからプロポーザル方式（複数業者に企画を提案してもらい最も優れた業者を選定"
            "する）で契約をすすめることから現時点では受託者や事業詳細が未定であり、個人情報の取り"
            "扱い方法についても「予定」として諮問書が出されている。\n"
            "しかし、審議会がこの諮問書に基づき審議し答申を出したあとに、プロポーザルで業者が"
            "決まり事業詳細が固まったら諮問書と違う個人情報の取り扱いが出てくる可能性があるのでは"
            "審議の意味がなくなってしまう。\n"
            "適切に審議するためには、個人情報をどう取り扱うか最終案としてまとまった段階で諮問して"
            "もらわないと無理である。詳細は未定で今後変更の可能性ありでは審議できない。適切な"
            "諮問の時期について総務課で検討してほしい。",
            "了解した。",
            answered_by="総務課",
        ),
    ),
    record=demo_records.RECORD_4,
)

CONSULTATION_5 = Seed(
    number=5,
    title="東村山市子育て総合支援センター入退室管理システムに係る再委託",
    department="子ども総務課",
    kinds=("再委託",),
    summary=(
        "センターの運営受託者(みどり学園)が、入退室管理システムのインストールと運用保守を"
        "有限会社に再委託する。パソコンは市が用意してセンターに設置している。"
    ),
    exchanges=(
        Exchange(
            "iin-endo",
            QUESTION,
            "承認願をみると、再委託先はプライバシーマークをとっていない有限会社である。インター"
            "ネットで調べてみたところ、資本金 300 万円くらいで家族経営のベンチャー会社のような"
            "印象だった。ホームページを見た限りではこの会社はソフトの開発や障害対応をするところで、"
            "パソコン等のハード面が壊れたときはどこかへ修理に出すのではないかと思う。ハード面の"
            "故障の場合にどの業者に修理に出すかは把握しているか。\n"
            "パソコンの修理作業は個人情報漏えいのリスクのひとつである。作業中に個人情報が盗み見"
            "される、交換した部品に保存されていた個人情報が消去されないまま出回るといった危険性が"
            "ある。",
            "入退室管理システムをインストールするパソコンは、市が用意してセンターに設置している"
            "ものである。ハード面の修理が必要な場合は子ども総務課が情報システム課に相談して、市が"
            "契約する修理業者に出す。",
        ),
        Exchange(
            "iin-inoue",
            QUESTION,
            "再委託先が行うのは入退室管理システムというアプリケーションソフトをインストールする"
            "だけで、パソコンのハード面の管理は市が行う。システムを利用するのはみどり学園という"
            "理解でよいか。",
            "そのとおり。",
        ),
        Exchange(
            "iin",
            REQUEST,
            "セキュリティ合意書に「媒体の持ち込みは禁止する」とあるが、システムをインストールする"
            "ときやバージョンアップするときには通常媒体に入れて持ってくる必要があるので、全面的に"
            "禁止するとおかしくなる。禁止すべきなのは利用登録者のデータを媒体に複製したり持ち出し"
            "することなので、こちらを念押ししたほうがよい。",
            "了解した。",
        ),
        Exchange(
            "iin-ogawa",
            REMARK,
            # The seed's OCR reads 〔運用保守の方法) and あとと聞いている; tidied here.
            "みどり学園から出された再委託の承認願に、再委託業者が行う(運用保守の方法)として"
            "「Eメール、FAX、電話等によるサポート」と書いてあるが、諮問書にはシステムトラブル時の"
            "修復作業は再委託業者がセンターに来て行うとなっており矛盾している。",
            "操作がわからないなど簡易な問い合わせについてはメール等で対応するが、センターに来て"
            "修復作業をすることもあると聞いている。みどり学園に確認して修正させる。",
        ),
    ),
    record=demo_records.RECORD_5,
    attachments=(demo_records.APPROVAL_REQUEST_5,),
)
SEEDS = (CONSULTATION_4, CONSULTATION_5)

# --- The report and the earlier answer it refers to -------------------------------------------

EARLIER: dict[str, Any] = {
    "fiscal_year": 2008,
    "number": 8,
    "title": "子育て応援特別手当業務委託",
    "department": "子ども総務課",
    "kinds": ("業務委託",),
    "submitted_on": dt.date(2009, 2, 2),
    "decided_on": dt.date(2009, 2, 16),
    "record": demo_records.RECORD_EARLIER,
}
# The meeting that answered it (平成20年度; its number and hours are not in the minutes). Its
# minutes stay a draft: the demo publishes only the meeting of 2009-08-06.
EARLIER_MEETING: dict[str, Any] = {
    "number": 4,
    "date": dt.date(2009, 2, 16),
    "start_time": dt.time(18, 30),
    "end_time": dt.time(20, 0),
    "place": "東村山市役所3階庁議室",
    "openness": Openness.CLOSED,
    "closure_reason": MEETING["closure_reason"],
}
REPORT: dict[str, str] = {
    "title": "子育て応援特別手当(21年度版)業務委託",
    "department": "子ども総務課",
    "explanation": (
        "子育て応援特別手当は平成20年度の緊急措置として全国で実施された。この業務委託については"
        "平成21年2月16日に本審議会でも可の答申を得ている。\n"
        "今回、21年度も対象者を拡大して子育て応援特別手当を実施すると国から通知があった。手当"
        "対象者抽出のための電算システム改修委託が必要になるが、対象者が拡大するだけで作業内容は"
        "20年度と同様である。事務の効率化の面から前年と同じ業者に委託し、情報システム課内で作業"
        "してもらう予定でいる。住民基本台帳電算システムと外国人登録電算システムを改修して手当の"
        "支給対象者データを抽出するという作業になる。\n"
        "前年は委託したシステム改修以外の業務も委託予定だが、現時点では国の実施要綱等が未成立の"
        "ため事業詳細が不明である。したがって今回は早急に行う必要があるシステム改修委託について"
        "報告するに留め、それ以外の業務は、委託内容が固まり前年と変更があれば、その時点で別途"
        "諮問する。\n"
        "20年度の本事業は定額給付金事業と共に今も委託業務が続いているが、根本的な問題はおきて"
        "いない。"
    ),
}

# --- Agenda: (kind, title, note, consultations on it, whether the report is on it) -------------

AGENDA: tuple[tuple[str, str, str, tuple[int, ...], bool], ...] = (
    (AgendaItem.Kind.GREETING, "総務部長挨拶", "", (), False),
    (AgendaItem.Kind.HANDOVER, "諮問書授受", "部長より会長へ諮問書授受", (4, 5), False),
    (AgendaItem.Kind.DELIBERATION, "諮問審議", "", (4, 5), False),
    (AgendaItem.Kind.REPORT, "報告", "", (), True),
)

# --- Follow-ups: the commitments made in the minutes ------------------------------------------


class Commitment(NamedTuple):
    """A commitment: on which consultation and opinion (1-based), its owner, text and due date."""

    consultation: int
    opinion: int
    owner: str
    text: str
    due_on: dt.date


COMMITMENTS: tuple[Commitment, ...] = (
    Commitment(
        4,
        2,
        "障害支援課",
        "利用登録者台帳等の持ち出しを紙に限る旨を、仕様書もしくはセキュリティ合意書に明記する。",
        dt.date(2009, 9, 30),
    ),
    Commitment(
        4,
        4,
        "障害支援課",
        "最初の利用登録時に利用者に目的と提供する情報を十分説明し、書面で同意をとるよう受託者に"
        "求める(関係機関への提供は事前に同意を得てから行い、拒否された情報は原則提供しない)。",
        dt.date(2009, 9, 30),
    ),
    Commitment(
        4,
        6,
        "障害支援課",
        "個人情報漏えいについて委託業務の従事者にも市職員と同等の罰則が科せられることを、"
        "契約書特約条項に明記する。",
        dt.date(2009, 9, 30),
    ),
    Commitment(
        4,
        10,
        "障害支援課",
        "パソコンの修理業者を適切に選ぶ必要性(プライバシーマークを持つ業者を選ぶなど)を"
        "受託者に指導する。",
        dt.date(2009, 10, 30),
    ),
    Commitment(
        4,
        11,
        SECRETARIAT,
        "個人情報の取り扱いが最終案としてまとまった段階で諮問されるよう、適切な諮問の時期に"
        "ついて検討する。",
        dt.date(2009, 10, 30),
    ),
    Commitment(
        5,
        3,
        "子ども総務課",
        "利用登録者のデータを媒体に複製すること及び持ち出すことの禁止を、セキュリティ合意書で"
        "念押しする。",
        dt.date(2009, 8, 31),
    ),
    Commitment(
        5,
        4,
        "子ども総務課",
        "再委託の承認願にある運用保守の方法の記載をみどり学園に確認し、センターでの修復作業と"
        "矛盾しないよう修正させる。",
        dt.date(2009, 8, 31),
    ),
)
REPORT_COMMITMENT = Commitment(
    0,
    0,
    "子ども総務課",
    "子育て応援特別手当(21年度版)のシステム改修以外の業務について、委託内容が固まり前年と"
    "変更があれば、その時点で別途諮問する。",
    dt.date(2009, 11, 30),
)


# --- Loading ----------------------------------------------------------------------------------


def demo_meeting() -> Meeting | None:
    """The demo meeting, if the demo is loaded."""
    return Meeting.objects.filter(
        council__slug=COUNCIL["slug"], fiscal_year=2009, number=MEETING["number"]
    ).first()


@transaction.atomic
def load() -> Meeting | None:
    """Load the seed meeting through the services; None (and no change) if it is loaded."""
    if demo_meeting() is not None:
        return None
    departments = _load_departments()
    users = _load_users(departments)
    council = _get_council(departments[SECRETARIAT])
    memberships = _appoint_members(council, users)
    earlier = _load_earlier_decision(council, departments)
    meeting = _load_meeting(council, memberships, departments)
    consultations = {seed.number: _load_consultation(council, seed, departments) for seed in SEEDS}
    report = create_report(
        actor=None,
        council=council,
        title=REPORT["title"],
        department=departments[REPORT["department"]],
        explanation=REPORT["explanation"],
        related_decision=earlier,
    )
    for order, (kind, title, note, numbers, has_report) in enumerate(AGENDA, start=1):
        add_agenda_item(
            actor=None,
            meeting=meeting,
            order=order,
            kind=kind,
            title=title,
            note=note,
            consultations=[consultations[n] for n in numbers],
            report=report if has_report else None,
        )
    opinions = {
        seed.number: _record_deliberation(
            meeting, consultations[seed.number], seed, users, departments
        )
        for seed in SEEDS
    }
    _create_follow_ups(meeting, consultations, opinions, departments, earlier)
    _file_version_after_proposal(consultations[CONSULTATION_4.number])
    demo_vendors.load(users, consultations, earlier.consultation)
    demo_ledger.load(users, consultations)
    update_minutes(
        actor=None,
        minutes=meeting.minutes,
        materials_published=False,
        materials_reason=MATERIALS_REASON,
    )
    _publish_minutes(meeting, users[MINUTES_PUBLISHER])
    return meeting


def _publish_minutes(meeting: Meeting, secretariat: User) -> None:
    """Withhold the meeting's materials, then publish the minutes (their snapshot is rendered
    as a web page, PDF and Word file)."""
    # The grounds come from a data migration; a database emptied since (a test's flush) or a
    # city that retired the ground still gets the demo.
    ground = DisclosureGround.objects.filter(article=MATERIALS_GROUND).first() or create_audited(
        DisclosureGround,
        actor=None,
        use_case=USE_CASE,
        article=MATERIALS_GROUND,
        label="事務又は事業の適正な遂行に支障を及ぼす情報",
    )
    for attachment in meeting_attachments(meeting):
        set_material_disclosure(
            actor=secretariat,
            minutes=meeting.minutes,
            attachment=attachment,
            disclosed=False,
            ground=ground,
        )
    publish_minutes(
        actor=secretariat, minutes=meeting.minutes, now=_morning_of(MINUTES_PUBLISHED_ON)
    )


def _load_departments() -> dict[str, Department]:
    departments: dict[str, Department] = {}
    for name, level, parent_name in DEPARTMENTS:
        parent = departments[parent_name] if parent_name else None
        found = Department.objects.filter(parent=parent, name=name).first()
        contact: dict[str, Any] = (
            {"phone": SECRETARIAT_PHONE, "fax": SECRETARIAT_FAX} if name == SECRETARIAT else {}
        )
        departments[name] = found or create_audited(
            Department,
            actor=None,
            use_case=USE_CASE,
            name=name,
            level=level,
            parent=parent,
            **contact,
        )
    return departments


def _kind(name: str) -> ConsultationKind:
    found = ConsultationKind.objects.filter(name=name).first()
    if found is not None:
        return found
    code = {"業務委託": "outsourcing", "外部提供": "provision", "再委託": "sub-outsourcing"}[name]
    return create_audited(ConsultationKind, actor=None, use_case=USE_CASE, code=code, name=name)


def _load_users(departments: dict[str, Department]) -> dict[str, User]:
    passwords = {s.username: s.password for s in SIGN_INS}
    people = [Account(m.username, Role.COUNCIL_MEMBER, m.name, "", "") for m in MEMBERS]
    users: dict[str, User] = {}
    for username, role, name, title, department in [*people, *ACCOUNTS]:
        users[username] = User.objects.filter(username=username).first() or create_audited(
            User,
            actor=None,
            use_case=USE_CASE,
            username=username,
            role=role,
            display_name=name,
            title=title,
            # A reserved domain (RFC 2606): `mamori remind` has someone to write to.
            email=f"{username}@city.example",
            department=departments[department] if department else None,
            password=make_password(passwords.get(username)),
        )
    return users


def _get_council(secretariat: Department) -> Council:
    found = Council.objects.filter(slug=COUNCIL["slug"]).first()
    return found or create_council(actor=None, secretariat_department=secretariat, **COUNCIL)


def _appoint_members(council: Council, users: dict[str, User]) -> dict[str, Membership]:
    return {
        m.username: appoint_member(
            actor=None,
            council=council,
            member=users[m.username],
            role=m.role,
            term_start=TERM[0],
            term_end=TERM[1],
            order=order,
        )
        for order, m in enumerate(MEMBERS, start=1)
    }


def _open_consultation(
    council: Council,
    department: Department,
    kinds: tuple[str, ...],
    submitted_on: dt.date,
    record: dict[str, Any],
    attachments: tuple[AttachmentSeed, ...] = (),
    **fields: Any,
) -> Consultation:
    consultation = create_consultation(
        actor=None,
        council=council,
        department=department,
        kinds=[_kind(k) for k in kinds],
        **fields,
    )
    at = _morning_of(submitted_on)
    save_record_draft(
        actor=None, consultation=consultation, record=demo_records.record(record), at=at
    )
    for attachment in attachments:
        _attach(consultation, attachment, at)
    return submit_consultation(actor=None, consultation=consultation, on=submitted_on, at=at)


def _morning_of(day: dt.date) -> dt.datetime:
    """10 a.m. in Japan on that day: when the demo's past records were filed."""
    return dt.datetime.combine(day, dt.time(10), tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo"))


def _attach(consultation: Consultation, seed: AttachmentSeed, at: dt.datetime) -> None:
    content = demo_records.minimal_pdf(f"{consultation.key}: {seed.kind} (Mamori demo)")
    attachment = upload_attachment(
        actor=None,
        consultation=consultation,
        kind=seed.kind,
        title=seed.title,
        uploaded_file=ContentFile(content, name=seed.file_name),
        at=at,
    )
    for fact in seed.facts:
        declare_fact(
            actor=None,
            attachment=attachment,
            path=fact.path,
            value=fact.value,
            quote=fact.quote,
            page=fact.page,
        )


def _load_earlier_decision(council: Council, departments: dict[str, Department]) -> Decision:
    consultation = _open_consultation(
        council,
        departments[EARLIER["department"]],
        EARLIER["kinds"],
        EARLIER["submitted_on"],
        EARLIER["record"],
        fiscal_year=EARLIER["fiscal_year"],
        number=EARLIER["number"],
        title=EARLIER["title"],
    )
    grounds = list(DisclosureGround.objects.filter(article__in=CLOSURE_GROUNDS))
    meeting = create_meeting(
        actor=None, council=council, closure_grounds=grounds, **EARLIER_MEETING
    )
    accept_consultation(actor=None, consultation=consultation, meeting=meeting)
    start_deliberation(actor=None, consultation=consultation)
    return record_decision(
        actor=None,
        consultation=consultation,
        meeting=meeting,
        decided_on=EARLIER["decided_on"],
        result=Decision.Result.APPROVED,
    )


def _load_meeting(
    council: Council, memberships: dict[str, Membership], departments: dict[str, Department]
) -> Meeting:
    grounds = list(DisclosureGround.objects.filter(article__in=CLOSURE_GROUNDS))
    meeting = create_meeting(actor=None, council=council, closure_grounds=grounds, **MEETING)
    record_attendance(
        actor=None,
        meeting=meeting,
        present=[memberships[m.username] for m in MEMBERS if m.present],
        absent=[memberships[m.username] for m in MEMBERS if not m.present],
    )
    for order, (capacity, name, title, department) in enumerate(STAFF, start=1):
        add_staff_attendee(
            actor=None,
            meeting=meeting,
            capacity=capacity,
            name=name,
            title=title,
            department=departments[department],
            order=order,
        )
    return meeting


def _load_consultation(
    council: Council, seed: Seed, departments: dict[str, Department]
) -> Consultation:
    return _open_consultation(
        council,
        departments[seed.department],
        seed.kinds,
        SUBMITTED_ON,
        seed.record,
        seed.attachments,
        fiscal_year=2009,
        number=seed.number,
        title=seed.title,
        summary=seed.summary,
    )


def _record_deliberation(
    meeting: Meeting,
    consultation: Consultation,
    seed: Seed,
    users: dict[str, User],
    departments: dict[str, Department],
) -> list[Opinion]:
    start_deliberation(actor=None, consultation=consultation)
    opinions = []
    for exchange in seed.exchanges:
        opinion = record_opinion(
            actor=None,
            consultation=consultation,
            meeting=meeting,
            member=users[exchange.member],
            kind=exchange.kind,
            text=exchange.opinion,
        )
        record_response(
            actor=None,
            opinion=opinion,
            department=departments[exchange.answered_by or seed.department],
            text=exchange.response,
            show_department=bool(exchange.answered_by),
        )
        opinions.append(opinion)
    record_decision(
        actor=None,
        consultation=consultation,
        meeting=meeting,
        decided_on=meeting.date,
        result=Decision.Result.APPROVED,
    )
    return opinions


def _create_follow_ups(
    meeting: Meeting,
    consultations: dict[int, Consultation],
    opinions: dict[int, list[Opinion]],
    departments: dict[str, Department],
    earlier: Decision,
) -> None:
    for c in COMMITMENTS:
        consultation = consultations[c.consultation]
        create_follow_up(
            actor=None,
            meeting=meeting,
            consultation=consultation,
            decision=consultation.decisions.get(meeting=meeting),
            opinion=opinions[c.consultation][c.opinion - 1],
            commitment=c.text,
            owner=departments[c.owner],
            due_on=c.due_on,
        )
    create_follow_up(
        actor=None,
        meeting=meeting,
        consultation=earlier.consultation,
        decision=earlier,
        commitment=REPORT_COMMITMENT.text,
        owner=departments[REPORT_COMMITMENT.owner],
        due_on=REPORT_COMMITMENT.due_on,
    )


# The proposal is judged in the autumn; the department then files the record as it now stands.
VERSION_4_AFTER_PROPOSAL_ON = dt.date(2009, 10, 20)


def _file_version_after_proposal(consultation: Consultation) -> None:
    """After the answer the proposal chooses the contractor: the department files version 2."""
    record = demo_records.record(demo_records.RECORD_4_AFTER_PROPOSAL)
    at = _morning_of(VERSION_4_AFTER_PROPOSAL_ON)
    save_record_draft(actor=None, consultation=consultation, record=record, at=at)
    file_version(
        actor=None, consultation=consultation, note=demo_records.NOTE_4_AFTER_PROPOSAL, at=at
    )
