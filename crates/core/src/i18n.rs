//! The interface's words, in Simplified Chinese (first) and English.
//!
//! Every string the app or the server shows a person is a [`Msg`]; the table
//! below is the only place its text lives, and the macro makes it impossible
//! to add a message without both languages. Each message is a constant
//! holding its own words (not a variant of one big `match`), so a bundle
//! carries the words of the messages it shows and no others.

use serde::{Deserialize, Serialize};

/// A language of the interface.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    /// Simplified Chinese, the default.
    #[default]
    #[serde(rename = "zh-CN")]
    Zh,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// Both languages, Chinese first.
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The BCP 47 tag, for `<html lang>` and storage.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Parses a stored or browser-reported tag; any `zh*` is Chinese, any `en*` English.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase();
        if tag.starts_with("zh") {
            Some(Lang::Zh)
        } else if tag.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The other language, for the switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

impl Msg {
    /// The words of this message in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh,
            Lang::En => self.en,
        }
    }
}

macro_rules! messages {
    ($($(#[$doc:meta])* $key:ident => $zh:literal, $en:literal;)*) => {
        /// A message of the interface; [`Msg::text`] gives its words. Two
        /// messages with the same words in both languages are equal.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct Msg {
            zh: &'static str,
            en: &'static str,
        }

        #[allow(non_upper_case_globals)]
        impl Msg {
            $($(#[$doc])* pub const $key: Msg = Msg { zh: $zh, en: $en };)*

            /// Every message, for completeness checks.
            pub const ALL: &'static [Msg] = &[$(Msg::$key,)*];
        }
    };
}

messages! {
    AppName => "减证", "Jianzheng";
    AppTagline => "村级证明事项登记与减负", "Registry of village certificates, for less paperwork";
    SwitchLanguage => "English", "中文";
    SwitchLanguageLabel => "切换界面语言", "Switch the interface language";
    NavHome => "首页", "Home";
    NavClerk => "村务台账", "Village clerk";
    NavTown => "乡镇管理", "Town office";
    NavCheck => "证明查询", "Check a certificate";
    NavVerify => "核验证明", "Verify a certificate";
    HomeVerifyCard => "办事单位核验村里开具的证明：扫码，看是否真实、是否作废。", "For agencies: scan a village certificate to see whether it is genuine or voided.";
    HomeIntro => "请选择您要使用的功能。", "Choose what you want to do.";
    HomeClerkCard => "村干部在平板上登记开具、拒开和转办的证明，无网络也能用。",
        "Village clerks record the certificates they issue, refuse or redirect, on a tablet that works without a network.";
    HomeTownCard => "乡镇查看各村证明开具数量和减少比例，发布可开具清单。",
        "The town follows each village's certificate counts and reduction rate, and publishes the allowed list.";
    HomeCheckCard => "群众自己查一查：这个证明村里该不该开，不开的话去哪里办。",
        "Residents check for themselves whether the village should issue a certificate, and where to go if not.";
    ClerkTitle => "村务证明台账", "Village certificate ledger";
    TownTitle => "乡镇证明减负看板", "Town certificate-reduction dashboard";
    CheckTitle => "这个证明要村里开吗？", "Does the village need to issue this certificate?";
    UpdateAvailable => "新版本已就绪。当前工作完成后再更新。", "A new version is ready. Update when you have finished what you are doing.";
    UpdateNow => "立即更新", "Update now";
    UpdateLater => "稍后", "Later";
    NotFoundTitle => "页面不存在", "Page not found";
    NotFoundBody => "没有这个页面。请从首页重新进入。", "There is no such page. Please start again from the home page.";
    CheckSearchLabel => "别人让您开什么证明？", "What certificate were you asked for?";
    CheckSearchPlaceholder => "例如：无犯罪记录证明、单身证明、wfzjl", "e.g. no criminal record, kinship, wfzjl";
    CheckTry => "试试：", "Try:";
    DecisionMayIssue => "村里可以开", "The village can issue this";
    DecisionMustNotIssue => "村里不开，请到别处办理", "The village does not issue this: go elsewhere";
    DecisionAbolished => "不用开证明了", "No certificate is needed any more";
    DecisionUnknown => "没有找到这个证明", "This certificate was not found";
    UnknownAdvice => "它不在清单上。请向村干部说明，村里会登记下来并报告乡镇。",
        "It is not on any list. Tell the village clerk, who will record it and report it to the town.";
    WhereToGo => "去哪里办", "Where to go";
    HowToDo => "怎么办", "What to do";
    WhatToBring => "带什么材料", "What to bring";
    Basis => "依据", "Basis";
    FromList => "出自清单", "From the list";
    ListVersion => "版本", "version";
    Match => "匹配度", "match";
    YouMayMean => "您找的也可能是", "You may also mean";
    CheckUnsure => "您问的可能是以下两项之一", "You may mean either of these two";
    CheckUnsureAdvice => "两项都和您说的差不多。请看两项的说明，选和您情况相符的那一项。",
        "Both fit what you wrote about equally. Read both and pick the one that fits your situation.";
    ListsEnglishPending => "清单的英文说明还没有下载到本机：联网后会自动下载，在此之前事项以中文显示。",
        "The English texts of the lists are not on this phone yet: they download once it is online; until then items read in Chinese.";
    RecordUnsure => "前两项和所说的差不多，请和居民确认是哪一项。",
        "The first two fit about equally: confirm with the resident which one is meant.";
    LinkToItem => "本条链接", "Link to this item";
    LargeText => "大字", "Large text";
    NormalText => "标准字", "Normal text";
    SearchAgain => "重新查询", "Search again";
    NoSuchItem => "没有这个编号的证明事项。", "There is no item with this code.";
    PosterLink => "打印村务公开栏海报", "Print the notice-board poster";
    PosterVillageLabel => "村名（打印在海报上）", "Village name (printed on the poster)";
    PosterNameFirst => "请先填写村名，海报上不印占位的“本村”。", "Type the village's name first: the poster prints no placeholder.";
    PosterTitle => "证明事项公开", "Certificates: what the village issues";
    PosterMayIssue => "村里可以开具的证明", "Certificates the village issues";
    PosterMustNotIssue => "以下证明村里不再开具，请按说明办理", "The village no longer issues these: where to go instead";
    PosterScan => "手机扫码，查一查这个证明要不要村里开", "Scan with your phone to check whether the village needs to issue a certificate";
    PosterPrint => "打印", "Print";
    PosterSources => "依据", "Sources";
    ClerkSetupTitle => "设置本平板", "Set up this tablet";
    ClerkSetupHelp => "填写本村代码和本平板编号（如 T1）。证明编号由它们生成，各平板不会重号。",
        "Enter the village code and this tablet's label (e.g. T1). Certificate numbers are made from them, so tablets never repeat a number.";
    DeviceLabel => "平板编号", "Tablet label";
    Save => "保存", "Save";
    TabRecord => "登记", "Record";
    TabLedger => "台账", "Ledger";
    TabBackup => "备份", "Backup";
    Unsynced => "未同步", "Not synced";
    RecordItem => "要开什么证明", "Certificate asked for";
    RecordItemPlaceholder => "输入名称、拼音或首字母", "Type a name, pinyin or initials";
    RecordFreeText => "不在清单上，按原话登记", "Not on the list: record it as said";
    RecordAgency => "要求开证明的单位", "Agency asking for it";
    RecordAgencyName => "单位名称", "Agency name";
    RecordPurpose => "用途", "Purpose";
    ResidentName => "居民姓名", "Resident's name";
    ResidentId => "身份证号", "ID number";
    ResidentDetail => "证明内容", "Statement";
    RecordReason => "理由（清单外开具时必填）", "Reason (required for an unlisted certificate)";
    ActionIssue => "开具并打印", "Issue and print";
    ActionRefuse => "不开，打印告知单", "Refuse and print a slip";
    ActionIssueUnlisted => "清单外开具（将报乡镇）", "Issue unlisted (flagged to the town)";
    PrintCertificate => "打印证明", "Print certificate";
    PrintSlip => "打印告知单", "Print slip";
    IdCheckTitle => "身份证号可能输错了", "The ID number may be mistyped";
    IdCheckOther => "号码会照原样印在证明上。如果这是护照、港澳台居民来往内地通行证等其他证件的号码，可以照原样保存。", "It prints on the certificate as typed. If it is the number of another document (a passport, a Hong Kong, Macao or Taiwan permit), save it as it is.";
    IdCheckSave => "仍然保存", "Save anyway";
    NewRecord => "再登记一条", "Record another";
    LedgerSearch => "按姓名或编号查找", "Search by name or number";
    LedgerMonth => "月份", "Month";
    LedgerAll => "全部", "All";
    LedgerVoid => "作废", "Void";
    LedgerVoided => "已作废", "Voided";
    LedgerVoidReason => "作废理由", "Reason for voiding";
    VoidAskTitle => "作废这张证明？", "Void this certificate?";
    VoidAskWhat => "台账保留这条登记，注明作废理由和日期；再打印时整页印有“作废”字样，不带核验码；同步后，办事单位核验这张证明会看到“已作废”。作废不能撤销。", "The ledger keeps the entry with the reason and date of the void; printed again, the page carries VOID across it and no verification code; once synced, an agency checking this certificate sees that it is voided. A void cannot be undone.";
    VoidedOn => "作废于", "Voided on";
    VoidRowIs => "这一行是作废记录，不是证明，没有可打印的纸面。它作废的是：", "This entry is a void, not a certificate: there is no paper to print. It voids: ";
    LedgerShown => "条记录", "entries";
    LedgerMore => "只列出最新的，更早的请点“显示更多”或缩小查找范围", "only the newest are listed: show more, or narrow the search";
    LedgerShowMore => "显示更多", "Show more";
    LedgerEmpty => "没有符合条件的记录。", "No entries match.";
    OutcomeIssued => "已开具", "Issued";
    OutcomeRefused => "拒开并告知", "Refused, redirected";
    OutcomeUnlisted => "清单外开具", "Issued unlisted";
    OutcomeVoid => "作废", "Void";
    BackupExport => "导出备份文件", "Export a backup file";
    BackupRestore => "从备份文件恢复", "Restore from a backup file";
    BackupRestored => "已恢复记录：", "Entries restored: ";
    BackupNothing => "备份中没有本机缺少的记录。", "The backup holds nothing this tablet lacks.";
    StoragePersisted => "浏览器已同意长期保存本机数据", "The browser will keep this tablet's data";
    StorageNotPersisted => "浏览器未承诺长期保存，请定期导出备份", "The browser may clear this data: export backups regularly";
    StorageUsed => "已用空间", "Space used";
    CertificateNumber => "编号", "No.";
    CertificateIssuer => "村民委员会（盖章）", "Village committee (seal)";
    CertificateDate => "日期", "Date";
    CertificateTo => "致", "To";
    CertificateSeal => "（盖章处）", "(seal here)";
    CertificateUnlistedReason => "本证明事项不在清单内，出具理由：", "Not on any list; issued because: ";
    CertificateCommitteeBlank => "________村民委员会", "________ Villagers' Committee";
    CertificateClerk => "经办人：____________", "Clerk: ____________";
    CertificatePhone => "联系电话：____________", "Telephone: ____________";
    CertificatePhoneOf => "联系电话：", "Telephone: ";
    CommitteePhoneLabel => "村委会联系电话（印在每张证明上，可不填）", "The committee's telephone (printed on every paper; optional)";
    SlipTitle => "证明事项告知单", "Notice on your certificate request";
    SlipBody => "您申请的下列证明不属于村（居）委员会出具的范围，请按以下方式办理：",
        "The certificate below is not one the village committee issues. Please proceed as follows:";
    SlipNoCertificate => "此事项已取消证明，不需要开证明。", "This certificate has been abolished: none is needed.";
    Back => "返回", "Back";
    StorageCheckFailed => "无法打开本机数据库", "The device database could not be opened";
    StorageFailed => "本机数据库读写失败", "The device database could not be read or written";
    StoredUnreadable => "本机保存的数据读不出来，请联系乡镇", "Data stored on this device cannot be read; contact the town";
    ListUnreadable => "以下已发布版本读不出来，清单保持在最新可读的版本：", "These published versions cannot be read; the list stays at the newest readable version: ";
    ListVersionNote => "本页按今天的清单打印：登记时所用的清单版本不在本机上，内容可能与当时不同。登记时的版本：", "Printed from today's list: the list version in force when this was recorded is not on this device, and its wording may have differed. Version recorded: ";
    TabletNotSetUp => "本平板还没有设置村代码和平板编号。", "This tablet has no village code and label yet.";
    LoginTitle => "乡镇管理登录", "Town management login";
    LoginName => "用户名", "User name";
    LoginPassword => "密码", "Password";
    LoginButton => "登录", "Log in";
    Logout => "退出登录", "Log out";
    PasswordChangeTitle => "请设置新密码", "Set a new password";
    PasswordChangeHelp => "首次登录须把服务器打印的一次性密码换成至少10位的新密码。", "On first login, replace the one-time password the server printed with a new one of at least 10 characters.";
    PasswordCurrent => "当前密码", "Current password";
    PasswordNew => "新密码", "New password";
    TabDashboard => "概览", "Overview";
    TabVillages => "村与平板", "Villages and tablets";
    TabBaselines => "基线", "Baselines";
    RangeFrom => "起始月", "From";
    RangeTo => "截止月", "To";
    Show => "查看", "Show";
    ExportXlsx => "导出Excel", "Export Excel";
    ExportCsv => "导出CSV", "Export CSV";
    ColMonth => "月份", "Month";
    ColVillage => "村", "Village";
    ColIssuedNet => "净开具", "Issued net";
    ColRefused => "拒开并告知", "Refused, redirected";
    ColUnlisted => "清单外开具", "Issued unlisted";
    ColBaseline => "基线", "Baseline";
    ColRate => "减少率", "Reduction";
    ColReported => "上报完整度", "Reporting";
    RateNoBaseline => "无基线", "no baseline";
    RateZeroBaseline => "基线为零", "zero baseline";
    RateNotEnded => "月份未结束", "month not over";
    RateNoReport => "无上报", "no report";
    RateNotApplicable => "当月未设立", "not in existence";
    RangeTotalTitle => "全区间减少率", "Reduction over the range";
    RangeTotalCompared => "有上报且有基线的村月", "village months reported, with a baseline";
    RangeTotalMissing => "未上报的村月不计入（既不算开具，也不算基线）。", "Village months with no report are left out of both the count and the baseline.";
    ChartTitle => "每月净开具与基线", "Issued (net) per month against the baseline";
    FlaggedByAgency => "仍在索要证明的单位类别", "Agencies still demanding certificates";
    FlaggedByItem => "被索要的证明事项", "Certificates demanded";
    Incomplete => "上报不全", "incomplete";
    VillageCode => "村代码", "Village code";
    VillageName => "村名", "Village name";
    AddVillage => "添加村", "Add village";
    NewEnrolmentCode => "生成平板登记码", "New tablet enrolment code";
    WithdrawCodes => "撤回未用的登记码", "Withdraw unused codes";
    CodesWithdrawn => "已撤回的登记码：", "Codes withdrawn:";
    CodeValidDays => "有效天数：", "Valid for days:";
    NoTablets => "尚无平板", "No tablets yet";
    LastSeen => "上次上报", "Last report";
    Never => "从未", "never";
    Silent => "长时间未上报", "silent too long";
    Revoked => "已停用", "revoked";
    Revoke => "停用", "Revoke";
    Retired => "已被新平板接替", "replaced by a new tablet";
    ReplaceTablet => "换平板接续此台账", "New tablet for this ledger";
    ReplaceTabletHint => "生成登记码：新平板（或恢复备份的平板）用同一标签接续此台账，旧平板随之退役。",
        "Makes a code with which a new (or restored) tablet continues this ledger under the same label; the old tablet is retired.";
    BaselineYear => "基线年份", "Baseline year";
    BaselineCsv => "CSV导入（村代码,月份,数量）", "Import CSV (village,month,count)";
    BaselineFromRegistry => "用该年登记数据作为基线", "Use that year's registry data as the baseline";
    BaselineSaved => "基线已保存。", "Baselines saved.";
    BaselineNone => "尚未设定基线。", "No baselines yet.";
    Saved => "已保存", "Saved";
    TabLists => "清单", "Lists";
    VillageMonths => "各月情况", "Month by month";
    AreaRowsCode => "区划代码", "Area code";
    AreaRowsName => "下级区划", "Area below";
    AreaRowsVillages => "村数", "Villages";
    AreaPathLabel => "所在区划", "Where in the tree";
    RoleLabel => "角色：", "Role: ";
    TabAccounts => "区划与账号", "Areas and accounts";
    TabAudit => "操作记录", "Audit trail";
    AreasTitle => "区划", "Areas";
    AreaNameLabel => "区划名称", "Area name";
    AreaLevelLabel => "级别", "Level";
    AreaParentLabel => "上级区划", "Belongs to";
    AreaSave => "保存区划", "Save area";
    AccountsTitle => "账号", "Accounts";
    AccountDisplayName => "显示名称", "Display name";
    AccountRole => "角色", "Role";
    AccountArea => "所属区划", "Area";
    AccountCreate => "新建账号", "Create account";
    OneTimePasswordIs => "一次性密码（只显示这一次，请当面交给本人，首次登录须修改）：", "One-time password (shown once: hand it over in person; it must be changed at the first login):";
    AccountDisable => "停用", "Disable";
    AccountEnable => "启用", "Enable";
    AccountReset => "重置密码", "Reset password";
    AccountDisabledState => "已停用", "disabled";
    AccountMustChange => "待修改密码", "password to change";
    AuditAt => "时间", "When";
    AuditFromDay => "起始日期", "From (day)";
    AuditToDay => "截止日期", "To (day)";
    AuditAccount => "账号", "Account";
    AuditAddress => "地址", "Address";
    AuditWhat => "操作", "What";
    AuditDetail => "内容", "Detail";
    AuditAllKinds => "全部操作", "Every kind";
    AuditOlder => "更早的记录", "Older rows";
    AuditNone => "没有符合条件的记录。", "No rows match.";
    FieldName => "名称", "name";
    FieldAliases => "同义词", "synonyms";
    FieldProves => "证明的事实", "facts proved";
    FieldStatus => "处理方式", "what the village does";
    FieldBasis => "依据", "basis";
    FieldInstead => "去向", "where to go instead";
    FieldMaterials => "材料", "materials";
    FieldTemplate => "证明模板", "certificate template";
    FieldDeclaration => "承诺书内容", "declaration";
    DeclarationLink => "打印告知承诺书（代替证明）", "Print the declaration form (instead of a certificate)";
    DeclarationTold => "告知事项", "What you are told";
    DeclarationToldWhat => "本事项不再需要村里开具证明，由申请人书面承诺代替：", "No certificate from the village is needed any more for: ";
    DeclarationToldCheck => "办事单位可以核查承诺内容：", "Your written declaration takes its place. The agency may check it: ";
    DeclarationToldBasis => "依据：", "Basis: ";
    DeclarationToldFalse => "承诺不实的，办事单位可以撤销已办理的事项，并依法依规记入信用记录、追究法律责任。您也可以选择不作承诺，按原方式提交证明材料。", "If the declaration is false, the agency may revoke what it granted, record it in the credit record and pursue legal liability as the law provides. You may instead choose not to declare and bring the usual proof.";
    DeclarationCommit => "承诺内容", "What I declare";
    DeclarationCommitWords => "本人已知晓上述告知内容，承诺符合相关条件，所填写内容真实、准确、完整，愿意接受核查，并承担不实承诺的法律责任。", "I have read what I was told above. I declare that I meet the conditions, that what I fill in is true, accurate and complete, that I accept its being checked, and that I bear the legal liability for a false declaration.";
    DeclarationName => "承诺人（签名）", "Declared by (signature)";
    DeclarationId => "公民身份号码", "ID number";
    DeclarationPhone => "联系电话", "Telephone";
    DeclarationAgency => "提交给（办事单位）", "Given to (agency)";
    DeclarationDate => "日期：　　　　年　　月　　日", "Date: ______ (year) ____ (month) ____ (day)";
    DeclarationPrint => "打印", "Print";
    DeclarationNone => "这个事项仍需要证明或由其他单位办理，没有告知承诺书。", "This item still needs a certificate or is handled by another agency: there is no declaration form for it.";
    Rename => "改名", "Rename";
    SilentDays => "多少天未上报算作长时间未上报", "Days without a report before a tablet counts as silent";
    ComplaintPhoneLabel => "投诉电话（印在村里的告知单上，可不填）", "Complaint phone (printed on the villages' refusal slips; optional)";
    SlipAgency => "要求开具证明的单位", "Agency that asked for it";
    SlipComplaint => "办事单位仍要求您到村里开具此证明的，可拨打乡镇投诉电话：", "If the agency still sends you to the village for this certificate, call the town's complaint line: ";
    ReportedYes => "已上报", "reported";
    ReportedNo => "未上报", "no report";
    ListPublished => "已发布版本：", "Published version: ";
    ListDraft => "草稿（未发布）", "Draft (not published)";
    ListEdit => "编辑", "Edit";
    ListAddEntry => "添加事项", "Add an item";
    ListSaveDraft => "保存草稿", "Save the draft";
    ListPublish => "发布新版本", "Publish a new version";
    ListPublishedNow => "已发布，平板下次同步时更新：", "Published; tablets take it on their next sync: ";
    ListNoChanges => "草稿与已发布版本相同。", "The draft is the same as the published version.";
    ListPublishedAt => "适用范围：", "Applies in: ";
    ListWholeServer => "全部区划", "every area";
    ListIssuedAboveNote => "上级统一发布的清单，本级不能修改；可新建本级清单，并列生效。", "Issued above: not changed here. This area can make its own list, in force beside it.";
    ListPublishExplain => "发布后立即生效，各村平板下次同步时更新。", "In force at once; tablets take it at their next sync.";
    EntryAliasCount => "同义词数", "Synonyms";
    ColActions => "操作", "Actions";
    ListReadOnly => "本清单由上级发布，这里只能查看；本级可另建自己的清单。", "Published above: read only here. This area can make a list of its own.";
    ListNew => "新建本级清单", "New list for this area";
    ListNewTitle => "新清单名称", "Title of the new list";
    ListChangeAdded => "新增", "added";
    ListChangeRemoved => "删除", "removed";
    ListChangeChanged => "修改", "changed";
    ListRemoveEntry => "删除此项", "Remove this item";
    EntryCode => "编码", "Code";
    EntryNameZh => "名称（中文）", "Name (Chinese)";
    EntryNameEn => "名称（英文）", "Name (English)";
    EntryAliases => "同义词（用顿号或逗号分隔）", "Synonyms (separated by commas)";
    EntryProves => "证明的事实，按居民的说法（如“两口子分居”“车是我的”，用顿号分隔）",
        "What it proves, in residents' words (e.g. 'we live apart', 'the car is mine'; separated by commas)";
    EntryStatus => "处理方式", "What the village does";
    EntryInsteadAgency => "应去的部门", "Where to go instead";
    EntryInsteadHow => "办理方式", "How";
    EntryBasis => "依据", "Basis";
    EntryTemplate => "证明正文模板（可用 {name} {id_number} {statement} {purpose} {agency}；空着用默认模板）", "Certificate body ({name} {id_number} {statement} {purpose} {agency}; empty: the default)";
    EntryTemplatePreview => "预览（示例村民）", "Preview (a sample resident)";
    SampleName => "张三", "Zhang San";
    SampleStatement => "系本村村民", "lives in this village";
    SamplePurpose => "办理相关手续", "the application";
    SampleAgency => "某办事单位", "the agency";
    StatusMayIssue => "村里可以开", "The village may issue";
    StatusMustNotIssue => "村里不能开，去其他部门", "The village must not issue";
    StatusAbolished => "已取消，不需要证明", "Abolished: none needed";
    TabSync => "同步", "Sync";
    EnrolTitle => "登记本平板", "Enrol this tablet";
    EnrolHelp => "输入乡镇发放的一次性登记码，或扫描它的二维码。登记需要联网一次。",
        "Type the one-time code from the town, or scan its QR code. Enrolment needs a network once.";
    EnrolCode => "登记码", "Enrolment code";
    EnrolButton => "登记", "Enrol";
    EnrolCodeMalformed => "登记码是8位字母或数字，例如 K7M2-Q9XD。", "An enrolment code has 8 letters or digits, such as K7M2-Q9XD.";
    EnrolledAs => "已登记，登记次数：", "Enrolled, enrolment no. ";
    NotEnrolled => "本平板尚未登记，暂不能上报。", "This tablet is not enrolled yet and cannot report.";
    ScanQr => "扫描二维码", "Scan a QR code";
    ScanStop => "停止扫描", "Stop scanning";
    CameraUnavailable => "无法打开摄像头：", "The camera cannot be opened: ";
    SyncNow => "立即同步", "Sync now";
    SyncStepBuild => "整理计数", "Preparing counts";
    SyncStepUpload => "上传计数", "Uploading counts";
    SyncStepLists => "获取最新清单", "Fetching the newest lists";
    SyncLastSuccess => "上次成功同步：", "Last successful sync: ";
    SyncNever => "从未同步", "Never synced";
    SyncFailed => "同步失败：", "Sync failed: ";
    SyncUnreachable => "无法连接乡镇服务器。有网络时会自动重试。", "The town server cannot be reached. The tablet retries when a network is available.";
    SyncRetrying => "将自动重试", "Retrying automatically";
    SyncMonthsSent => "本次上报月份：", "Months reported this time: ";
    SyncNothingNew => "没有新的计数需要上报。", "No new counts to report.";
    ListsUpdated => "清单已更新：", "Lists updated: ";
    ListsImport => "从文件导入清单", "Import lists from a file";
    ListsUpToDate => "清单已是最新。", "The lists are up to date.";
    CloseMonthTitle => "月末报告", "Month-end report";
    CloseMonthHelp => "月份结束后确认报告。一个证明也没开的月份会上报为“零”，与“未报告”区分。",
        "Close a month once it is over. A month with no certificates is reported as zero, which differs from no report.";
    CloseMonth => "确认上报", "Close and report";
    MonthClosed => "已确认", "Closed";
    MonthNotOver => "只能确认已经结束的月份：", "Only a month that is over can be closed: ";
    BundleTitle => "没有网络：用文件或二维码交给乡镇", "No network: hand over by file or QR code";
    BundleExport => "导出上报文件", "Export a report file";
    BundleShowQr => "显示上报二维码", "Show report QR codes";
    BundleQrHelp => "请乡镇在“导入村上报”页面用摄像头扫描，顺序不限。", "Let the town scan these on its Import page, in any order.";
    QrPrevious => "上一个", "Previous";
    QrNext => "下一个", "Next";
    ImportTitle => "导入村上报", "Import a village report";
    ImportHelp => "选择平板导出的上报文件，或用摄像头扫描平板显示的二维码。", "Choose a report file exported by a tablet, or scan the QR codes it shows with the camera.";
    ImportFile => "选择上报文件", "Choose a report file";
    ImportScanned => "已扫描二维码：", "QR codes scanned: ";
    ImportAccepted => "更新的计数：", "Cells raised: ";
    ImportVillage => "已导入：村", "Imported: village ";
    ImportReplayed => "这份上报以前已导入过", "This report was imported before";
    ImportMonths => "月份：", "months: ";
    ImportNothingNew => "服务器已有这些数字，没有改变", "the server had these figures already: nothing changed";
    ImportNotAReport => "这不是平板导出的上报文件（或已损坏），没有导入。", "This is not a report file from a tablet (or it is damaged): nothing was imported.";
    ImportFlagged => "需核查（计数下降或未来月份）：", "To check (counts went down or future months): ";
    ImportFailed => "导入失败：", "Import failed: ";
    QrForeign => "这不是减证的二维码。", "This is not a Jianzheng code.";
    QrMixed => "混入了另一份上报的二维码，请重新扫描。", "Codes of another report were mixed in; scan again.";
    CertificateCheckCode => "校验码", "Check code";
    CertificateVerifyHint => "收件单位可扫码核验（输入校验码、姓名、身份证号）：", "The receiving agency can verify this paper (with the check code, name and ID number) at ";
    CertificateNoCode => "本平板尚未登记，证明不带核验码。", "This tablet is not enrolled: the certificate carries no verification code.";
    HeadlineThisArea => "本辖区", "This area";
    LettersLink => "致各单位的函", "Letters to agencies";
    LettersNone => "本期间没有单位要求群众到村开具不应开具的证明。", "No agency sent residents to the villages for certificates in this range.";
    LetterItem => "证明事项", "Certificate";
    LetterClosing => "特此函告。", "Yours faithfully.";
    LettersDocx => "下载函（Word）", "Download the letters (Word)";
    ReportLink => "上报报告", "Report upward";
    ReportDocx => "下载报告（Word）", "Download the report (Word)";
    ReportCompare => "对比：", "Compare with: ";
    CompareBaseline => "基准年同月", "the baseline year";
    CompareYearBefore => "上年同月", "the year before";
    ReportChildren => "各下级区划（按下降比例排序）", "Areas below, by reduction";
    ReportUnlisted => "清单外开具最多的证明（可考虑列入清单）", "Certificates most often issued outside the list (candidates for the list)";
    ReportNoUnlisted => "本期间没有清单外开具。", "No certificate was issued outside the list in this range.";
    ReportMethod => "计算方法说明", "Method";
    ReportMade => "生成日期：", "Made on ";
    ColAgency => "单位类别", "Agency";
    ReportDaysLabel => "按时上报期限（月末后天数）", "On time within (days after month end)";
    ColOnTime => "按时上报", "On time";
    OnTimeTitle => "按时上报率", "Reported on time";
    ColApproved => "审核", "Approved";
    ColApprovedMonths => "全部审核的月份", "Months approved for all";
    Approve => "审核通过", "Approve";
    ApprovedYes => "已审核", "Approved";
    ApprovedNo => "未审核", "Not approved";
    DialogCancel => "取消", "Cancel";
    PasswordAgain => "再次输入新密码", "New password again";
    PasswordMismatch => "两次输入的新密码不一致，请重新输入。", "The two new passwords differ: type them again.";
    ChartMonthsAlong => "横轴为月份，每柱一个月：", "months along the axis, one bar each: ";
    ChartTop => "纵轴最高（件）：", "Top of the scale (certificates):";
    ChartIssuedNet => "每月净开具", "Issued net per month";
    ChartCompared => "对比数（基线或上年同月）", "Compared with (baseline or a year before)";
    BaselineMonthCount => "月份为1到12，基线为不小于0的整数。", "The month is 1 to 12 and the baseline a whole number, 0 or more.";
    NameAreaTitle => "请先为本镇命名", "First, name the town";
    NameAreaExplain => "公文和海报都印乡镇名称。请填写本镇区划代码和正式名称，有上级县的一并填写。", "Papers and posters carry the town's name: give its division code and official name, and the county above, if any.";
    NameAreaCode => "镇（乡）区划代码（9位）", "Town's division code (9 digits)";
    NameAreaName => "镇（乡）正式名称", "Town's official name";
    NameAreaCountyCode => "上级县（区）区划代码（可不填）", "County's division code (optional)";
    NameAreaCountyName => "上级县（区）名称（可不填）", "County's name (optional)";
    AreaUnnamedPaper => "本辖区尚未命名，公文不印占位名称。请管理员先在首页命名。", "This area has no name yet, and a paper prints no placeholder: an administrator names it first, on the start page.";
    LetterAskedTimes => "要求次数", "Times asked";
    DialogClose => "关闭", "Close";
    ApproveTitle => "审核月份", "Approve a month";
    ApproveConfirm => "审核通过已上报的村", "Approve those reported";
    ApproveNotReported => "未上报（仍为缺报）：", "Not reported (still missing): ";
    ApproveExplain => "审核后该月锁定，此后的变动须经接受才计入。管理员可以撤回。", "Once approved the month is locked: later changes count once accepted. An administrator can withdraw it.";
    WithdrawApproval => "撤回审核", "Withdraw approval";
    WithdrawTitle => "撤回本月的审核", "Withdraw this month's approval";
    WithdrawExplain => "撤回后该月重新开放，锁定期间的更正一并计入。原因记入操作记录。", "The month opens again, taking in the corrections held while locked. The reason goes to the audit trail.";
    WithdrawReason => "撤回原因（必填）", "Reason (required)";
    VillageSpanLabel => "计入月份：", "Counted from ";
    VillageRetiredFrom => "已撤销，最后月份：", "Retired; last month ";
    VillageFirstMonthLabel => "起始月份（迁入的村可提前）", "First month (earlier for a village moved in)";
    VillageFirstMonthSave => "修改起始月份", "Set first month";
    VillageRetire => "撤销此村", "Retire this village";
    VillageRetireTitle => "撤销村", "Retire a village";
    VillageRetireExplain => "撤销后保留历史数据，最后月份之后不再计入统计。", "A retired village keeps its history and counts in no figure after its last month.";
    VillageLastMonthLabel => "最后月份（年-月）", "Last month (YYYY-MM)";
    VillageDelete => "删除此村", "Delete this village";
    VillageDeleteTitle => "删除村", "Delete a village";
    VillageDeleteExplain => "只能删除没有任何数据的村（如误加的村），删除后不能恢复。", "Only a village with no data at all (one added by mistake) can be deleted, for good.";
    VillageCodeHint => "12位统计用区划代码", "12-digit statistical division code";
    CorrectionsTitle => "待处理的更正（已审核月份此后收到的上报）", "Corrections waiting (uploads for approved months)";
    CorrectionsNone => "没有待处理的更正。", "No corrections are waiting.";
    CorrectionAccept => "接受更正", "Accept";
    CorrectionDismiss => "驳回", "Dismiss";
    ChartLegend => "柱：每月净开具；虚线：对比数；纵轴最高：", "Bars: issued net per month; dashed line: the comparison; top of the scale: ";
    QualityTitle => "数据可信度提示", "Signs that a figure may not be real";
    QualityMethod => "每个村的每个月与本村此前12个月中已上报的月份比较（中位数与中位绝对偏差，至少6个月）：请求数骤降（可能停止登记）、开具骤降同时拒开骤增（可能改登记为拒开），以及超过静默天数未上报的平板。提示不等于结论，请核实。", "Each village month is compared with the village's own reported months among the twelve before it (median and median absolute deviation, at least six): requests falling far (it may have stopped recording), issues falling while refusals jump (issues may be recorded as refusals), and tablets silent past the limit. A sign is not a finding: check it.";
    QualityNone => "本期间没有需要核实的提示。", "No signs to check in this range.";
    VerdictGenuine => "真实有效", "Genuine";
    VerdictAltered => "已被改动或伪造", "Altered or forged";
    VerdictRevoked => "开具平板已被停用，乡镇不担保此证明", "Issued by a revoked tablet: the town does not vouch for it";
    VerdictVoided => "此证明已作废", "Voided";
    VerdictUnknownTablet => "未知平板（请更新核验名单）", "Unknown tablet (refresh the trust list)";
    VerdictTypedDiffers => "输入与证明不符，请核对", "What you typed does not match: check it";
    VerdictTypedMissing => "请输入纸面上的校验码、姓名和身份证号", "Type the check code, name and ID number from the paper";
    TypedMatches => "校验码、姓名和身份证号与这张证明签署的一致。", "The check code, name and ID number are those this certificate was signed with.";
    TypedDiffers => "二维码的签名有效，但您输入的校验码、姓名或身份证号与它签署的不一致：请对照纸面逐字核对（同音字、相近的数字最常输错）。若纸面上写的就是您输入的内容，这张纸被改动过。", "The code's signature holds, but the check code, name or ID number you typed is not what it was signed with: compare them with the paper character by character (similar-sounding characters and digits are the usual slips). If the paper shows exactly what you typed, the paper was altered.";
    TypedMissing => "二维码的签名有效；核对了纸面上的校验码、姓名和身份证号，才能确认这张纸就是签署的那张证明。", "The code's signature holds; only the check code, name and ID number from the paper show that this paper is the one it signed.";
    VerifyTitle => "核验村级证明", "Verify a village certificate";
    VerifyIntro => "扫描证明上的二维码（或输入二维码下方的文字），再照证明输入校验码、姓名和身份证号。核验在本机完成，不上传。", "Scan the QR code on the certificate (or type the text under it), then type the check code, name and ID number from the paper. The check runs on this device; nothing is sent.";
    VerifyScan => "用摄像头扫描", "Scan with the camera";
    VerifyCodeText => "二维码文字", "Code text";
    VerifyName => "姓名", "Name";
    VerifyIdNumber => "身份证号", "ID number";
    VerifyNow => "核验", "Verify";
    VerifyNotACode => "这不是村级证明的核验码。", "This is not the code of a village certificate.";
    VerifyClaims => "核验码所载内容", "What the code says";
    VerifyItem => "事项", "Item";
    VerifyListVersion => "清单版本", "List version";
    VerifyDate => "开具日期", "Date of issue";
    VerifyVillage => "村", "Village";
    VerifyLedger => "台账", "Ledger";
    VerifyUnlisted => "清单外事项", "An item on no list";
    VerifyTabletSince => "平板启用日期", "Tablet enrolled on";
    VerifyTabletRevoked => "平板停用日期", "Tablet revoked on";
    VerifyTrustAge => "核验名单生成于", "Trust list made at";
    VerifyTrustCount => "台平板", " tablets";
    VerifyTrustRefresh => "更新核验名单", "Refresh the trust list";
    VerifyTrustMissing => "本机还没有核验名单：请联网后点“更新核验名单”。", "This device has no trust list yet: connect and press \u{201c}Refresh the trust list\u{201d}.";
    VerifyTrustFailed => "核验名单未能更新，仍用本机已有的：", "The trust list was not refreshed; the one on this device is used: ";
    VerifyTrustOtherTown => "收到的核验名单不是本镇的签名，已拒收。", "The trust list received is not signed by this town's key; it was refused.";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_message_has_chinese_and_english_words() {
        for msg in Msg::ALL {
            let zh = msg.text(Lang::Zh);
            let en = msg.text(Lang::En);
            assert!(
                !zh.trim().is_empty() && !en.trim().is_empty(),
                "{msg:?} is empty"
            );
            // The language switch deliberately names the other language.
            if *msg != Msg::SwitchLanguage {
                assert!(has_cjk(zh), "{msg:?} has no Chinese: {zh}");
                assert!(!has_cjk(en), "{msg:?} has Chinese in English: {en}");
            }
        }
    }

    #[test]
    fn language_tags_round_trip_and_browser_tags_parse() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
            assert_eq!(lang.other().other(), lang);
        }
        assert_eq!(Lang::from_tag("zh-Hans-CN"), Some(Lang::Zh));
        assert_eq!(Lang::from_tag("EN-gb"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
    }

    #[test]
    fn the_default_language_is_chinese() {
        assert_eq!(Lang::default(), Lang::Zh);
    }
}
