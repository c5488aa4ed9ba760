"""Words that name a kind of harm, or a vulnerable group, in the languages people file in.

A narrative in French and one in Chinese about an account being shut off by an app share no
word, but both name the concept "deactivation": concepts are how narratives are compared
across languages. Keywords are matched as parts of words (lower case, accents kept), so
"désactivé" finds "désactivée" and "停用" finds "被停用"; keep them specific enough not to
match inside unrelated words.
"""

# concept -> keywords (en, fr, zh, es, de, da, sv, tl)
HARMS: dict[str, tuple[str, ...]] = {
    "deactivation": (
        "account was gone", "lost access to my account", "account closed", "banned from",
        "blocked from the app", "cut off from the app", "compte fermé", "plus accès à mon compte",
        "账号被停", "无法接单", "cuenta cerrada", "sin acceso a mi cuenta", "konto gesperrt",
        "konto deaktiviert", "kontot stängdes", "konto lukket",

        "deactivat", "account was blocked", "account blocked", "banned from the app",
        "suspended my account", "account suspended", "account was suspended", "kicked off",
        "locked out of my account", "terminated by the app", "offboard",
        "désactiv", "compte bloqué", "compte suspendu", "compte a été suspendu", "radié",
        "停用", "封号", "封禁", "账号被封", "账户被封", "被冻结", "注销了我的账号", "停封",
        "desactiv", "cuenta bloqueada", "cuenta suspendida",
        "deaktiviert", "gesperrt", "deaktiveret", "spærret", "avstängd", "inaktiverad",
        "na-deactivate", "hinarang ang account",
    ),
    "job_rejection": (
        "applied", "applicant", "candidate", "interview", "job offer", "vacancy", "résumé",
        "candidat", "postul", "vacante", "entrevista", "stelle", "vorstellungsgespräch",
        "jobsøg", "arbetsansökan", "求职者", "岗位",

        "job application", "my application was rejected", "rejected my application",
        "applicants", "applied for", "recruit", "hiring", "screening tool", "cv screening",
        "resume screening", "video interview", "interview score", "shortlist",
        "candidature", "recrutement", "embauche", "entretien vidéo", "offre d'emploi",
        "求职", "招聘", "简历", "应聘", "面试", "筛选",
        "solicitud de empleo", "candidatos", "contratación", "selección de personal",
        "bewerbung", "bewerber", "einstellung", "ansøgning", "jobansøg", "ansökan om jobb",
        "rekryter", "aplikasyon sa trabaho",
    ),
    "credit_refusal": (
        "credit", "lender", "borrow", "refused credit", "financing", "financement", "emprunt",
        "信贷", "借款", "financiación", "finanzierung", "lånansökan",

        "loan", "credit score", "credit limit", "mortgage", "credit card", "creditworth",
        "prêt", "crédit", "hypothèque", "solvabilité",
        "贷款", "信用评分", "信用额度", "房贷", "拒贷", "授信",
        "préstamo", "crédito", "hipoteca", "kredit", "darlehen", "lån", "pautang",
    ),
    "benefit_fraud_flag": (
        "debt", "overpayment", "repay", "clawback", "dette", "trop-perçu", "rembourser",
        "债务", "追缴", "多领", "deuda", "reembolsar", "schulden", "rückforderung", "gæld",
        "tilbagebetal", "skuld", "återbetal", "parental benefit", "child benefit",

        "fraud", "benefit", "welfare", "allowance", "social assistance", "risk score",
        "fraude", "allocation", "prestation", "aide sociale", "caf ",
        "欺诈", "骗保", "福利", "补助", "救济", "低保", "风险评分",
        "prestacion", "ayuda social", "sozialleistung", "betrug", "kindergeld",
        "bedrageri", "ydelse", "kontanthjælp", "bidrag", "fusk", "försäkringskassan",
        "tulong pinansyal",
    ),
    "facial_misidentification": (
        "arrested", "wrongly arrested", "face matched", "identified me", "arrêté", "interpellé",
        "被捕", "逮捕", "detenido", "verhaftet", "anholdt", "gripen",

        "facial recognition", "face recognition", "misidentif", "wrongly identified",
        "mistaken for", "face match", "reconnaissance faciale", "confondu avec",
        "人脸识别", "面部识别", "刷脸", "认错", "误认",
        "reconocimiento facial", "gesichtserkennung", "ansigtsgenkendelse",
        "ansiktsigenkänning",
    ),
    "price_discrimination": (
        "price", "pricing", "surge", " fare", " prix", "tarif", "定价", "价格", "车费", "precio",
        "tarifa", " preis", " pris ", "biljettpris",

        "higher price", "charged more", "pay more", "premium was", "insurance premium",
        "dynamic pricing", "surge pric", "prix plus élevé", "payer plus", "tarif plus",
        "prime d'assurance", "大数据杀熟", "杀熟", "价格更高", "更贵", "保费",
        "precio más alto", "höherer preis", "højere pris", "högre pris",
    ),
    "content_moderation": (
        "removed", "deleted my", "took down", "nudity", "community guidelines", "flagged my",
        "supprimé", "retiré", "censur", "删除", "下架", "内容审核", "eliminad", "gelöscht", "entfernt",
        "fjernet", "borttag", "raderad",

        "post was removed", "removed my post", "content was removed", "taken down",
        "shadowban", "shadow ban", "my video was removed", "publication supprimée",
        "contenu supprimé", "删帖", "内容被删除", "限流", "被屏蔽",
        "publicación eliminada", "beitrag gelöscht", "opslag fjernet", "inlägg raderat",
    ),
    "workplace_surveillance": (
        "productivity", "time off task", "tracking", "tracked", "scanner", "productivité",
        "效率", "productividad", "produktivität", "leistungsmessung", "produktivitet",

        "surveillance", "monitored", "monitoring", "tracked my", "keystroke",
        "productivity score", "webcam", "surveillé", "suivi de productivité",
        "监控", "监视", "打卡", "工作效率评分",
        "vigilancia", "überwachung", "overvågning", "övervakning",
    ),
    "data_misuse": (
        "scraped", "scraping", "my photos", "collected my", "database", "données", "collecté",
        "数据库", "收集", "base de datos", "recopil", "datenbank", "gesammelt", "databas",

        "personal data", "my data was", "data leak", "shared my data", "sold my data",
        "without consent", "données personnelles", "fuite de données", "sans consentement",
        "个人信息", "数据泄露", "隐私", "未经同意", "datos personales", "personenbezogene",
        "personoplysninger", "personuppgifter",
    ),
    "exam_grading": (
        "grades", "awarded", "baccalaureate", "marks", "bac ", "考试评分", "分数",
        "calificaciones", "noten", "karakterer", "betygen",

        "exam ", "exams", "examination", "final grade", "my grade", "grading", "proctor", "test score", "university admission",
        " examen", "note ", "notation", "surveillance d'examen", "parcoursup",
        "考试", "成绩", "监考", "录取", "评分系统",
        "calificación", "prüfung", "eksamen", "karakter", "prov ", "betyg",
    ),
    "border_visa": (
        "visa", "border", "asylum", "residence permit", "immigration",
        "frontière", "asile", "titre de séjour", "签证", "边境", "入境", "庇护",
        "visado", "frontera", "asilo", "grenze", "aufenthalts", "opholdstilladelse",
        "uppehållstillstånd",
    ),
    "medical_triage": (
        "symptom", "doctor", "emergency", "urgences", "médecin", "症状", "急诊", "医生",
        "síntoma", "médico", "urgencias", "arzt", "notaufnahme", "læge", "läkare",

        "diagnos", "triage", "treatment was denied", "hospital", " patient", "medical",
        "diagnostic", "hôpital", "soins", "诊断", "分诊", "医院", "治疗",
        "diagnóstico", "hospital", "krankenhaus", "behandling", "sygehus", "sjukhus",
    ),
    "wage_scheduling": (
        "commission", "dispatch", "bonus", "paid less", "per delivery", "per order", "orders",
        "rémunér", "commission", "抽成", "计价", "收入", "comisión", "pedidos", "provision",
        "bezahlung", "betaling", "ersättning",

        "pay was cut", "wages", "shifts", "scheduling", "pay per", "earnings dropped",
        "salaire", "horaires", "rémunération", "工资", "排班", "派单", "收入下降",
        "salario", "turnos", "lohn", "schicht", "løn", "vagter", "lön", "schema",
    ),
    "tenant_screening": (
        "rental", " lease", "rent ", "renting", "louer", "location d'", "alquilar", "wohnung",
        "miete", "lejlighed", "hyra",

        "tenant", "rental application", "landlord", "apartment", "flat application",
        "logement", "locataire", "bailleur", "租房", "房东", "租客",
        "alquiler", "inquilino", "mietbewerbung", "vermieter", "lejebolig", "hyresvärd",
    ),
    "chatbot_misinformation": (
        "virtual assistant", "asistente virtual", "assistant virtuel", "wrong information",
        "错误信息", "información incorrecta", "falsch",

        "chatbot", "chat bot", "made up", "false information", "defam", "hallucinat",
        "agent conversationnel", "fausses informations", "diffamation",
        "聊天机器人", "虚假信息", "诽谤", "编造",
        "información falsa", "falsche informationen", "falske oplysninger",
    ),
    "predictive_policing": (
        "predictive policing", "police patrol", "patrol", "risk list", "watch list", "policing",
        "policía", "polizei", "politi", "警务", "警察", "巡逻",
    ),
    "school_allocation": (
        "school place", "school allocation", "school admission", "allocated to a school",
        "affectation", "collège", "lycée", "école", "学校", "学位", "escuela", "colegio", "schule",
        "skole", "skola", "skolplacering",
    ),
}

# Groups whose mention marks a possible vulnerable group (with the protected grounds of the
# complaint form: disability, age, race or ethnicity, nationality or migration).
VULNERABLE = (
    "child", "minor", "pupil", "student", "elderly", "older people", "pensioner", "disab",
    "wheelchair", "blind", "deaf", "migrant", "refugee", "asylum", "undocumented", "pregnan",
    "single parent", "single mother", "minority", "roma", "indigenous", "low-income",
    "low income", "homeless", "enfant", "mineur", "élève", "personnes âgées", "retraité",
    "handicap", "migrant", "réfugié", "enceinte", "parent isolé", "mère célibataire",
    "儿童", "未成年", "学生", "老人", "老年", "残疾", "残障", "移民", "难民", "孕妇", "单亲",
    "少数民族", "低收入", "niño", "menor", "anciano", "discapacidad", "refugiado",
    "embarazada", "kinder", "behinderung", "flüchtling", "alleinerziehend", "børn",
    "handicappet", "flygtning", "enlig", "barn", "funktionsneds", "flykting", "ensamstående",
    "bata", "matanda", "may kapansanan",
)
VULNERABLE_GROUNDS = frozenset({"disability", "age", "race_ethnicity", "nationality_migration"})
