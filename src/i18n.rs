//! The screens' words: every visible string of the app's screens is a
//! [`Key`], with a Chinese and an English text (a key without both does not
//! compile). The domain's own words (statuses, clock states, causes, the
//! ledger's columns) are [`Term`]s of the core; both implement [`Text`], so a
//! screen shows either the same way. Compiled natively too, so the table's
//! completeness is tested in seconds.

pub use gridcare_core::i18n::{Bilingual, Lang, Term, Text};

gridcare_core::text_constants! {
    /// A visible string of the screens.
    Key {
    AppName => "电力客户服务工单", "Power customer service tickets";
    SkipToContent => "跳到正文", "Skip to content";
    Home => "首页", "Home";
    Kiosk => "营业厅自助", "Service-hall kiosk";
    KioskBlurb => "客户自助登记投诉、领取回执、查询工单进度。", "Customers file a complaint, get a receipt and look up their ticket.";
    Crew => "抢修班组", "Field crew";
    CrewBlurb => "按到期先后处理工单：到达、处理、三段式反馈、回访。", "Work tickets by what is due first: arrival, findings, three-part feedback, revisits.";
    Supervisor => "监督管理", "Supervisor";
    SupervisorBlurb => "投诉台账、月度统计、超期与高频预警、抽查、红黑榜。", "Ledger, monthly statistics, overdue and high-frequency alerts, audits, red and black lists.";
    Rules => "规则与日历", "Rules and calendar";
    RulesBlurb => "当前生效的分类、分级、时限规则及其出处，以及法定节假日日历。", "The active classification, grading and deadline rules with their sources, and the holiday calendar.";
    Language => "语言", "Language";
    Online => "在线", "Online";
    Offline => "离线（数据保存在本机）", "Offline (data stays on this device)";
    NewVersion => "新版本可用", "A new version is available";
    Reload => "重新载入", "Reload";
    ComingSoon => "此页面正在建设中。", "This screen is being built.";
    NotFound => "找不到该页面。", "Page not found.";
    BackHome => "返回首页", "Back to home";
    RuleTableVersion => "规则表版本", "Rule table version";
    Source => "出处", "Source";
    Keywords => "关键词", "Keywords";
    GradeRules => "分级规则", "Grade rules";
    Clocks => "时限", "Deadlines";
    Span => "时长", "Span";
    StartsAt => "起算", "Starts at";
    Calendar => "日历", "Calendar";
    Year => "年份", "Year";
    WorkDay => "工作日", "Working day";
    RestDay => "休息日", "Rest day";
    CalendarMissing => "缺少该年份的官方日历，按普通周末计算", "The official calendar for this year is missing; plain weekends are assumed";
    TryClassifier => "试一试分类", "Try the classifier";
    TypeComplaint => "输入客户反映的内容", "Type what the customer said";
    Facts => "识别出的事实", "Extracted facts";
    NoFactsFound => "未读出停电户数、时长等事实", "No facts (households, hours …) read from the text";
    RulesFired => "触发的规则", "Rules that fired";
    Confidence => "置信度", "Confidence";
    NothingMatched => "未识别出明确类别，请人工判断", "No clear category found; please decide by hand";
    Deadlines => "承诺时限（北京时间）", "Promised deadlines (China time)";
    NotGraded => "不分级", "Not graded";
    Emergency => "启动应急预案", "Emergency plan started";
    ConfidenceHigh => "高", "High";
    ConfidenceMedium => "中", "Medium";
    ConfidenceLow => "低：请人工判断", "Low: please decide by hand";
    Rule => "规则", "Rule";
    Decided => "结论", "Decision";
    Matched => "命中词", "Matched words";
    Kinds => "业务类型", "Ticket kinds";
    Categories => "投诉分类", "Complaint categories";
    Due => "到期（北京时间）", "Due (China time)";
    NoneYet => "无", "None";
    DueSoonAt => "临期提醒比例", "Due-soon share";
    HighFrequency => "高频预警", "High-frequency alert";
    AppliesTo => "适用于", "Applies to";
    SpecialDays => "节假日与调休", "Holidays and make-up working days";
    MakeUpDay => "调休上班", "Make-up working day";
    Holiday => "放假", "Holiday";
    Hours => "小时", "h";
    Minutes => "分钟", "min";
    Days => "天", "days";
    Months => "个月", "months";
    WorkingDays => "个工作日", "working days";
    HoursOnWorkingDay => "工作日", "on working days";
    HoursOtherwise => "非工作日", "otherwise";
    ArrivalByArea => "按区域：", "by area:";
    Recurring => "循环", "recurring";
    Paused => "等待客户时暂停", "paused while waiting on the customer";
    LoadingData => "正在读取本机数据…", "Reading this device's data…";
    QueueAsSaved => "先显示上次打开时的待办工单；正在读取全部工单，读完后可筛选、搜索和处理。", "These are the tickets as you last saw them; every ticket is still being read. Filters, search and actions work once it is done.";
    Saving => "正在保存…", "Saving…";
    Saved => "已保存到本机", "Saved on this device";
    SaveFailed => "保存失败，刚才的操作未生效：", "Not saved; the last action did not take effect:";
    QuotaFull => "本机存储已满：已保存的数据不会丢失，请先导出再清理。", "This device's storage is full: what was saved is kept; export, then free space.";
    FallbackWarning => "此浏览器无法使用 IndexedDB，数据暂存在 localStorage，容量有限，请尽快导出。", "IndexedDB is unavailable: data is kept in localStorage, which is small; export soon.";
    FallbackSetAside => "本机保存的记录已损坏，无法读取：已原样另存为 {key}，请联系技术支持恢复；本机从空记录重新开始。", "The records kept on this device were damaged and cannot be read: they were set aside unchanged as {key} for support to recover, and this device started again empty.";
    FallbackUnreadable => "有 {n} 条记录本版本无法读取（可能来自更新的版本），已原样保留；请更新本应用或联系技术支持。", "Records this version cannot read (perhaps from a newer version): {n}, kept unchanged. Update the app or contact support.";
    Sync => "数据同步", "Sync";
    ExportAll => "导出全部数据", "Export all data";
    ImportFile => "导入同步文件", "Import a sync file";
    LastExport => "上次导出", "Last export";
    NeverExported => "从未导出", "never";
    NotExported => "条本机记录尚未导出", "of this device's records not exported yet";
    ImportPreview => "导入预览", "Import preview";
    NewEvents => "新记录", "New records";
    TicketsAffected => "涉及工单", "Tickets affected";
    ConflictsAfter => "导入后的冲突", "Conflicts after import";
    ConfirmImport => "确认导入", "Import";
    Cancel => "取消", "Cancel";
    ImportedN => "已导入并保存 {n} 条新记录", "{n} new records imported and saved";
    NothingNew => "文件中没有本机尚未有的记录，未做任何改动。", "The file holds nothing this device lacks; nothing changed.";
    ImportRefused => "无法导入，本机数据未做任何改动：", "Cannot import; nothing on this device changed:";
    Exported => "已导出", "Exported";
    LoadDemo => "载入演示数据", "Load demo data";
    EmptyStore => "本机还没有工单。", "There are no tickets on this device yet.";
    DemoBlurb => "载入一组演示工单，看看应用如何工作。演示工单与真实工单一样保存和同步。", "Load a set of demo tickets to see how the app works. They are saved and synced like real ones.";
    Tickets => "工单", "Tickets";
    NextDeadline => "最近时限", "Next deadline";
    NoRunningClock => "无进行中的时限", "No running deadline";
    Content => "内容", "Content";
    ThisDevice => "本机编号", "This device";
    RecordResponse => "记录首次响应", "Record first response";
    Actions => "操作", "Actions";
    ExportOptions => "导出选项", "Export options";
    OnlyUnexported => "只导出本机尚未导出的记录", "Only this device's records not exported yet";
    Anonymise => "匿名导出（手机号、姓名、地址打码，仅供统计）", "Anonymised (phones, names and addresses masked; for statistics)";
    ForOlderDevices => "给尚未更新的设备（旧格式，文件约大四分之一）", "For devices not yet updated (the older format; the file is about a quarter larger)";
    FromDate => "受理日期从", "Received from";
    ToDate => "到", "to";
    FollowDatabases => "同时关注的数据库（主管）", "Also follow (supervisors)";
    FollowDatabasesHint => "主管可填写其他供电所的数据库名（用逗号分隔），只接收、不上传；本机记录只上传到上面的数据库。", "Supervisors may list other stations' databases (comma-separated): received, never written; this device's records go to the database above only.";
    ArrivalsTitle => "同步带来需要您马上处理的工单：", "Sync brought tickets that need you now:";
    ArrivalUrgent => "一级（紧急）", "Urgent (level 1)";
    ArrivalToMyTeam => "派给本班组", "Sent to your team";
    ArrivalNotice => "新工单 {number}", "New ticket {number}";
    ArrivalsDismiss => "知道了", "Got it";
    NotifyOffer => "开启新工单提醒？同步带来一级工单或派给本班组的工单时，即使应用在后台，本机也会弹出系统通知（通知里只有工单号和原因，不含客户信息）。", "Turn on alerts? When sync brings an urgent (level 1) ticket or one sent to your team, this device shows a system notification even when the app is in the background (the number and why only, no customer details).";
    NotifyTurnOn => "开启提醒", "Turn on alerts";
    NotifyLater => "暂不", "Not now";
    NotifyDenied => "此浏览器不允许本应用发通知：新工单将以页面横幅和提示音提醒。", "This browser does not let the app notify: new tickets are announced by a banner and a tone in the app.";
    CarriedTitle => "此文件还会改变所有设备使用的设置：", "This file also changes settings every device uses:";
    CarriedRules => "规则表 {version}", "Rule table {version}";
    CarriedTariff => "电价表 {version}", "Tariff table {version}";
    CarriedYear => "{year} 年节假日日历", "Holiday calendar for {year}";
    CarriedDay => "日历调整：{date}", "Calendar change: {date}";
    CarriedApplies => "导入后在本机生效", "applies here once imported";
    CarriedIgnored => "签名者不是本机信任的主管设备，本机不会采用", "not signed by a supervisor this device trusts: not applied here";
    FilePassphrase => "文件口令（可不填）", "File passphrase (optional)";
    FilePassphraseOfFile => "文件口令", "The file's passphrase";
    FilePassphraseAgain => "再输一次口令", "The passphrase again";
    FilePassphraseHint => "填了口令，导出的文件加密保存，凭此口令才能打开（本应用或命令行 gridcare 均可）；口令遗失，文件无法恢复。", "With a passphrase the exported file is encrypted and opens only with it (in this app or the gridcare command line); a lost passphrase cannot be recovered.";
    FilePassphrasesDiffer => "两次输入的口令不一致。", "The two passphrases differ.";
    FilePassphraseTooShort => "文件口令至少 8 个字符。", "The file passphrase needs at least 8 characters.";
    FileIsProtected => "此文件受口令保护。请输入导出时设定的口令：", "This file is protected with a passphrase. Enter the one set when it was exported:";
    FilePassphraseWrong => "口令不对（或文件已损坏），请再试一次。", "Wrong passphrase (or the file is damaged); try again.";
    OpenFile => "打开文件", "Open the file";
    CannotOpenProtected => "此浏览器无法解密受口令保护的文件。", "This browser cannot open protected files.";
    AnonymisedRefused => "这是匿名统计文件，不能合并到工作设备。", "This is an anonymised statistics file; it cannot be merged into a working device.";
    Export => "导出", "Export";
    StorageUse => "本机存储已用", "Storage used";
    Checking => "正在校验文件 {checked} / {total}", "Checking the file {checked} / {total}";
    ReadingFile => "正在读取文件", "Reading the file";
    Cancelled => "已取消导入，本机数据未做任何改动。", "Import cancelled; nothing on this device changed.";
    KioskWelcome => "您好！请选择您要反映的问题", "Hello! What would you like to tell us about?";
    LookUpMyTicket => "查询我的工单", "Look up my ticket";
    Description => "补充说明（可不填）", "In your own words (optional)";
    CharactersLeft => "还可以输入 {n} 个字", "{n} characters left";
    Phone => "联系电话", "Contact phone";
    PhoneHint => "手机号或固定电话，例如 13812345678 或 0768-2345678", "Mobile or landline, e.g. 13812345678 or 0768-2345678";
    PhoneInvalid => "请输入正确的手机号（11位）或固定电话（区号+号码）。", "Please enter a valid mobile (11 digits) or landline (area code + number).";
    AreaUnknown => "不清楚", "Not sure";
    Submit => "提交", "Submit";
    Back => "返回", "Back";
    Submitting => "正在提交…", "Submitting…";
    ReceiptTitle => "已受理，这是您的回执", "Received: here is your receipt";
    ReceiptNumber => "工单号", "Ticket number";
    ClassifiedAs => "分类", "Classified as";
    Because => "查看定级和时限的依据", "See how the grade and deadlines were set";
    ReceivedAt => "受理时间", "Received";
    ReturnsHomeIn => "{n} 秒后返回首页，您的信息不会留在屏幕上", "Back to the start in {n} s; your details will not stay on screen";
    StayLonger => "再看一会", "Stay a little longer";
    ReadAloud => "朗读回执", "Read it aloud";
    StopReading => "停止朗读", "Stop reading";
    PromisedBy => "我们承诺", "We promise";
    EscalatedNotice => "您反映的问题已列为一级（紧急），已启动应急处理，工作人员会立即与您联系。", "What you reported is grade 1 (urgent): the emergency procedure has started and staff will contact you at once.";
    PrintReceipt => "打印回执", "Print receipt";
    Done => "完成", "Done";
    KeepNumber => "请保存工单号，可凭工单号和手机号后四位查询进度。", "Keep the ticket number: with it and the last four digits of your phone you can check progress.";
    LastFour => "手机号后四位", "Last four digits of the phone";
    Keypad => "数字键盘", "Keypad";
    KeyBack => "删除", "Delete";
    KeyClear => "清空", "Clear";
    KeyToDigits => "下一项：手机号后四位", "Next: phone's last four";
    KeyToNumber => "改工单号", "Back to the number";
    Search => "查询", "Look up";
    LookupNumberHint => "字母和“-”可以不输：热线工单输入其中的数字即可。", "Letters and hyphens may be left out: for a hotline ticket, its digits are enough.";
    LookupNotFound => "没有找到匹配的工单，请核对工单号和手机号后四位。", "No matching ticket; please check the number and the last four digits.";
    LookupWait => "尝试次数过多，请稍候再试（秒）：", "Too many attempts; please wait (seconds):";
    TicketStatus => "工单进度", "Ticket progress";
    Timeline => "处理记录", "Timeline";
    StaffExit => "工作人员", "Staff";
    SetPin => "首次使用：请设置工作人员密码（4–8位数字），离开自助模式时需要输入。", "First use: set a staff PIN (4–8 digits); it is needed to leave kiosk mode.";
    EnterPin => "请输入工作人员密码", "Enter the staff PIN";
    PinRepeat => "再输入一次", "Enter it again";
    PinMismatch => "两次输入不一致。", "The two entries differ.";
    PinShape => "密码须为4–8位数字。", "The PIN must be 4–8 digits.";
    UnenrolledDevice => "未登记设备", "Unenrolled device";
    RevokedDevice => "已吊销设备", "Revoked device";
    VaultLockedAction => "本机已锁定：请先在页面上方输入本机密码解锁。", "This device is locked: enter its passphrase at the top of the page first.";
    WrongPassphrase => "密码不对。", "Wrong passphrase.";
    HiddenWhileLocked => "已锁定，解锁后显示", "hidden until unlocked";
    LockNow => "立即锁定", "Lock now";
    VaultLocked => "已锁定：客户的姓名、电话、地址和照片已隐藏。输入本机密码解锁：", "Locked: customers' names, phone numbers, addresses and photos are hidden. Enter this device's passphrase:";
    VaultUnprotected => "客户个人信息已加密保存，但本机还没有设置密码：请在“我是谁”中设置本机密码。", "Customers' data is stored encrypted, but this device has no passphrase yet: set one under “Who I am”.";
    VaultUnavailable => "此浏览器无法加密保存客户个人信息", "This browser cannot store customers' data encrypted";
    Passphrase => "本机密码", "Device passphrase";
    PassphraseHint => "客户的姓名、电话、地址、照片和签名在本机加密保存，只有输入此密码后才能查看；每班解锁一次，闲置后自动锁定。忘记密码将无法查看本机保存的客户信息。", "Customers' names, phone numbers, addresses, photos and signatures are stored encrypted and shown only after this passphrase is entered; unlock once per shift, it locks itself when idle. A forgotten passphrase cannot be recovered.";
    CurrentPassphrase => "当前密码", "Current passphrase";
    NewPassphrase => "新密码", "New passphrase";
    SetPassphrase => "设置密码", "Set passphrase";
    PassphraseSet => "密码已设置。", "Passphrase set.";
    PassphraseTooShort => "密码至少 6 位。", "At least 6 characters.";
    LockAfterMinutes => "闲置多少分钟后锁定", "Lock after this many idle minutes";
    ServerSync => "服务器同步", "Server sync";
    ServerSyncHint => "有网络时，本机记录通过同步服务器（CouchDB）自动与同站其他设备交换；没有网络时照常使用，联网后自动补传。", "With a network, this device exchanges records with the others of its station through the sync server (CouchDB) by itself; without one it works as usual and catches up when the network returns.";
    ServerAddress => "服务器地址", "Server address";
    DatabaseName => "数据库", "Database";
    UserName => "用户名", "User name";
    AccountPassword => "密码", "Password";
    PasswordNotKept => "密码只发送给服务器，本机不保存；登录过期后会再次询问。", "The password goes to the server only and is not kept here; you are asked again when the session expires.";
    LogInAndSync => "登录并同步", "Log in and sync";
    LogOut => "退出登录", "Log out";
    SyncNow => "立即同步", "Sync now";
    SyncingNow => "正在同步…", "Syncing…";
    LastSynced => "上次同步", "Last synced";
    NeverSynced => "尚未同步", "never";
    WaitingUp => "{n} 条记录等待上传", "{n} records waiting to go up";
    PulledPushed => "本次打开后已收到 {pulled} 条、已上传 {pushed} 条", "Since this page opened: {pulled} received, {pushed} sent";
    SyncedJustNow => "刚刚已同步", "synced just now";
    SyncedMinutesAgo => "已同步 {n} 分钟前", "synced {n} min ago";
    SyncedHoursAgo => "已同步 {n} 小时前", "synced {n} h ago";
    SyncUnreachable => "连不上同步服务器。记录仍保存在本机，网络恢复后会自动同步。", "The sync server does not answer. Records stay on this device and sync by themselves when it is back.";
    SyncWrongPassword => "用户名或密码不对。", "Wrong user name or password.";
    SyncNeedLogin => "登录已过期，请重新输入密码。", "The session has ended: enter the password again.";
    SyncNoPermission => "此账号无权使用该数据库，请联系管理员。", "This account may not use that database; ask the administrator.";
    SyncNoDatabase => "服务器上没有这个数据库，请核对数据库名称。", "The server has no such database; check its name.";
    SyncServerError => "同步服务器出错：", "The sync server reported an error:";
    SyncLocked => "本机已锁定：解锁后继续同步。", "This device is locked: sync resumes once it is unlocked.";
    DocRefusedBy => "服务器上的文档 {doc} 未通过校验，未采用：", "Document {doc} on the server failed the checks and was not taken:";
    NotSyncing => "未连接同步服务器", "not connected to a sync server";
    NotFromSupervisor => "设备“{device}”不是本机信任的已登记主管设备，它的修改未被采用。", "Device “{device}” is not an enrolled supervisor this device trusts; its change was not applied.";
    PinWrongTries => "密码错误，还可再试 {n} 次。", "Wrong PIN: {n} more tries.";
    PinWrongLast => "密码错误。再错一次将锁定 {s} 秒。", "Wrong PIN. One more and it locks for {s} seconds.";
    StaffLocked => "本机为营业厅自助设备，工作人员页面已锁定", "This device is a service-hall kiosk: the staff screens are locked";
    Unlock => "解锁", "Unlock";
    PinLockedFor => "错误次数过多，已锁定，请在 {s} 秒后再试。", "Too many wrong PINs; locked, try again in {s} seconds.";
    LockUnreadable => "无法读取本机的锁定记录，工作人员页面保持锁定。", "This device's lock record cannot be read; the staff screens stay locked.";
    BackToKiosk => "返回自助模式", "Back to kiosk mode";
    PinLocked => "错误次数过多，已锁定，请稍后再试（秒）：", "Too many wrong PINs; locked (seconds):";
    Confirm => "确定", "OK";
    EventOther => "处理中", "In progress";
    TicketPage => "工单详情", "Ticket";
    Open => "打开", "Open";
    BackToQueue => "返回队列", "Back to the queue";
    ContactPhone => "联系电话", "Phone";
    Classification => "分类与依据", "Classification and why";
    Overridden => "人工改判", "Overridden by staff";
    ClockState => "状态", "State";
    Author => "记录人", "By";
    ConflictNotice => "此工单有来自不同设备的冲突记录，当前显示的是按规则选出的一方，请核实后重新记录以解决：", "This ticket has conflicting records from different devices; the one shown was picked by rule. Check and record again to settle:";
    Record => "记录", "Record";
    ActionRespond => "首次响应", "First response";
    ActionRecords => "已调取资料", "Records pulled";
    ActionDispatch => "派工", "Dispatch";
    ActionArrive => "到达现场", "Arrived on site";
    ActionPending => "等待客户", "Wait on customer";
    ActionResume => "恢复处理", "Resume";
    ActionNote => "备注", "Note";
    ActionProgress => "通报进展", "Progress report";
    ActionApology => "已致歉", "Apology made";
    ActionResolve => "处理完成（三段式反馈）", "Resolve (three-part feedback)";
    ActionFeedback => "已反馈客户", "Feedback given";
    ActionConfirm => "客户确认", "Customer confirmation";
    ActionRevisit => "回访", "Revisit";
    ActionReopen => "重新处理", "Reopen";
    ActionReassign => "转派（退单）", "Reassign (return)";
    ActionClose => "关闭工单", "Close";
    ActionVoid => "作废", "Void";
    FieldReason => "原因", "Reason";
    SkippedStepsAsk => "此工单按流程还应先：", "By the lifecycle this ticket should first have: ";
    SkipReason => "跳过这些步骤的原因（会记入处理记录）", "Why these steps are left out (kept in the ticket's history)";
    SkipReasonRequired => "请说明跳过的原因，或先完成这些步骤。", "Say why, or do these steps first.";
    SkippedStepsNote => "跳过步骤 ", "Steps left out: ";
    ActionRecorded => "已记录：", "Recorded: ";
    NextUpHeading => "下一步", "Next";
    NextDeadlineLabel => "最近时限：", "Next deadline: ";
    NoDeadlineRunning => "没有正在计时的时限。", "No deadline is running.";
    NextStep => "下一步：", "Next step: ";
    RepeatComplainant => "重复投诉", "Repeat complainant";
    RepeatComplainantHint => "同一号码 90 天内有其他投诉", "Another complaint from this phone in the last 90 days";
    EarlierComplaintsCount => "该号码 90 天内还有 {n} 张投诉：", "Other complaints from this phone in the last 90 days: {n}";
    LargerText => "大字", "Larger text";
    ScanReceipt => "扫描回执上的二维码", "Scan the QR code on the receipt";
    ScanHint => "请把回执上的二维码对准摄像头", "Hold the receipt's QR code up to the camera";
    ScanNoCamera => "无法打开摄像头，请用下面的数字键输入工单号。", "The camera could not be opened: please type the ticket number below.";
    RulesDraftRestored => "已恢复上次未发布的修改（保存在本机）。", "Your unpublished changes were restored (kept on this device).";
    RulesDraftStale => "有一份未发布的修改，是在规则表 {v} 上做的；现在生效的是更新的版本。", "There are unpublished changes made over rule table {v}; a newer table is now active.";
    OtherTabWrites => "gridcare 已在本机另一个标签页中打开：只有那个标签页能保存，这里只能查看。", "gridcare is open in another tab of this device: only that tab saves; this one only shows.";
    UseItHere => "在此页使用", "Use it here";
    OtherTabRefused => "没有保存：gridcare 正在本机另一个标签页中使用。请先点上方的「在此页使用」。", "Not saved: gridcare is in use in another tab of this device. Tap “Use it here” above first.";
    CalendarDraftRestored => "已恢复上次未保存的日期设置（保存在本机）。", "The day you had not saved was restored (kept on this device).";
    RestoreChanges => "恢复这些修改", "Restore those changes";
    DiscardChanges => "放弃修改", "Discard changes";
    ScanNothing => "没有读到二维码，请再试一次，或输入工单号。", "No QR code was read: try again, or type the ticket number.";
    ReadQuestion => "朗读这个问题", "Read this question aloud";
    LedgerColumns => "显示的列", "Columns shown";
    LedgerMarks => "提示", "Marks";
    SpecialGroup => "特殊群体", "Special group";
    TicketDetails => "工单详情与分类依据", "Details and why it was classified so";
    FieldText => "内容", "Text";
    FieldCause => "问题原因", "Cause";
    FieldSolution => "解决方案", "Solution";
    FieldImprovement => "后续改进措施", "Follow-up improvement";
    FieldChannel => "反馈方式", "Channel";
    FieldConfirmed => "客户当场确认", "Customer confirmed on the spot";
    FieldSatisfaction => "满意度（0–100）", "Satisfaction (0–100)";
    FieldBySupervisor => "上级主管回访", "By a supervisor";
    Required => "必填。", "Required.";
    NotANumber => "请输入 0 到 100 之间的整数。", "Enter a whole number from 0 to 100.";
    NewTicket => "新建工单（热线 / 来访）", "New ticket (hotline / walk-in)";
    ChannelLabel => "受理渠道", "Channel";
    ChannelHotline => "95598 热线", "95598 hotline";
    ChannelWalkIn => "营业厅来访", "Walk-in";
    ChannelOnline => "网上渠道", "Online";
    ChannelField => "现场", "In the field";
    CustomerName => "客户姓名（可不填）", "Customer name (optional)";
    Address => "地址（可不填）", "Address (optional)";
    FactsByHand => "人工确认的事实（优先于自动识别）", "Facts confirmed by hand (they beat what was extracted)";
    Auto => "自动", "Automatic";
    No => "否", "No";
    FactSafety => "人身安全隐患", "Safety hazard";
    FactImportant => "重要客户（医院、基站等）", "Important customer (hospital, base station…)";
    FactDamage => "设备损坏", "Equipment damage";
    FactHouseholds => "影响户数", "Households affected";
    FactHours => "停电小时数", "Outage hours";
    Correct => "人工改判（需说明原因）", "Correct the classification (needs a reason)";
    ByRule => "按规则", "By rule";
    OverrideReason => "改判原因", "Reason for the correction";
    CreateTicket => "建立工单", "Create ticket";
    TextRequired => "请填写客户反映的内容。", "Please enter what the customer said.";
    WhoIAm => "我的信息", "Who I am";
    WhoIAmPrompt => "请先填写您的姓名、班组、供电所和区域（只需填写一次）。", "Please enter your name, team, station and area (once).";
    YourName => "姓名", "Name";
    Save => "保存", "Save";
    FilterStatus => "状态", "Status";
    OpenOnly => "未关闭", "Open";
    AllTickets => "全部", "All";
    MineOnly => "只看我班组的", "Only my team's";
    SupLedger => "台账", "Ledger";
    SupAnalysis => "月度分析", "Monthly analysis";
    SupAlerts => "预警", "Alerts";
    SupAudit => "抽查", "Audit sample";
    SupTeams => "红黑榜", "Red and black lists";
    SupTopics => "热点问题", "Hot topics";
    SupBulletins => "通报与评价", "Bulletins";
    SupViews => "督办视图", "Supervision views";
    SupIntro => "汇总各班组同步文件中的工单：台账、统计、预警、抽查与通报。", "Tickets merged from every crew's sync files: ledger, figures, alerts, audit and bulletins.";
    Month => "月份", "Month";
    AllMonths => "全部月份", "All months";
    AllStations => "全部供电所", "All stations";
    AllAreas => "全部区域", "All areas";
    AllTeams => "全部班组", "All teams";
    AllKinds => "全部类型", "All kinds";
    AllStatuses => "全部状态", "All statuses";
    OverdueOnly => "只看超期", "Overdue only";
    ConflictOnly => "只看冲突", "Conflicts only";
    ExportCsv => "导出 CSV", "Export CSV";
    ExportXlsx => "导出 Excel", "Export Excel";
    WritingWorkbook => "正在生成 Excel…", "Writing the workbook…";
    Print => "打印", "Print";
    SortLabel => "排序", "Sort";
    SortNewest => "受理时间（新→旧）", "Received (newest first)";
    SortOldest => "受理时间（旧→新）", "Received (oldest first)";
    SortHandling => "处理时长（长→短）", "Handling time (longest first)";
    SortSatisfaction => "满意度（低→高）", "Satisfaction (lowest first)";
    LedgerSearch => "搜索工单号、电话、班组、处理人或内容", "Search number, phone, team, handler or text";
    NoTicketsYet => "还没有工单。请在下方导入各班组的同步文件，或载入演示数据。", "No tickets yet. Import the crews' sync files below, or load the demo data.";
    TicketsOfMonth => "工单总数", "Tickets";
    ComplaintsCount => "投诉数", "Complaints";
    MomChange => "环比", "Month on month";
    SatisfactionMean => "平均满意度", "Mean satisfaction";
    SatisfiedShare => "满意率", "Satisfied";
    MedianHandling => "处理时长中位数", "Median handling time";
    ChartByCategory => "各类别投诉数", "Complaints by category";
    ChartTrend => "近六个月投诉走势", "Complaints over six months";
    ChartOnTime => "各时限按时率", "On-time rate per deadline";
    ChartHandling => "投诉处理时长分布", "Handling time of complaints";
    ChartByStation => "各供电所投诉（按类别）", "Complaints per station, by category";
    ChartByTeam => "各班组投诉数", "Complaints per team";
    ChartByArea => "各区域投诉数", "Complaints per area";
    CountColumn => "数量", "Count";
    WaitingColumn => "受理至今", "Waiting";
    ShareColumn => "占比", "Share";
    RateColumn => "按时率", "On-time rate";
    MetColumn => "按时", "Met";
    LateColumn => "超时完成", "Met late";
    OverdueColumn => "超期未办", "Overdue";
    HoursUnit => "小时", "h";
    AndMore => "及以上", "or more";
    Within => "以内", "within";
    HighFrequencyTitle => "高频投诉预警", "High-frequency alerts";
    HighFrequencyRule => "同一区域或供电所当月某类投诉占比超过阈值且不少于最低件数时预警", "Raised when one category is more than the threshold share of a place's month, with at least the minimum count";
    ScopeColumn => "范围", "Scope";
    PlaceColumn => "区域/供电所", "Area / station";
    OverdueTickets => "超期工单", "Overdue tickets";
    DueSoonTickets => "即将到期工单", "Tickets due soon";
    OpenGrade1 => "未关闭的一级工单（投诉与抢修）", "Open 一级 (urgent) tickets, complaints and repairs";
    RepeatComplainants => "重复投诉客户", "Repeat complainants";
    ReturnedTickets => "多次退单或重开的工单", "Tickets returned or reopened more than once";
    NoneFound => "无", "None";
    PhoneColumn => "电话", "Phone";
    AuditTitle => "本月抽查（已关闭工单的 10%）", "This month's audit (10% of closed tickets)";
    AuditNote => "同一月份、同一数据总是抽到同一批工单。", "The same month and data always draw the same tickets.";
    Population => "已关闭工单", "Closed tickets";
    Sampled => "抽查件数", "Sampled";
    PassedCount => "合格", "Passed";
    Findings => "发现的问题", "Findings";
    FindingClockLate => "时限未按时完成：", "Deadline missed: ";
    FindingNoResolution => "缺少原因、措施、整改三要素", "No cause, solution and improvement";
    FindingNoFeedback => "未向客户反馈", "Customer never told the outcome";
    FindingNoConfirmation => "无客户确认或回访", "No confirmation or revisit";
    FindingNoSitePhoto => "到过现场但无照片", "Site visit without a photo";
    RedList => "红榜：当月零投诉或满意率 100%", "Red list: no complaints this month, or every rated complaint satisfied";
    BlackList => "黑榜：当月投诉最多的三个班组（须提交整改方案）", "Black list: the three teams with the most complaints (a rectification plan is due)";
    RatedColumn => "已评价", "Rated";
    SatisfiedColumn => "满意", "Satisfied";
    TermsColumn => "高频词（件数）", "Frequent terms (tickets)";
    DailyBulletin => "日通报", "Daily bulletin";
    Day => "日期", "Day";
    NewToday => "当日新增", "New that day";
    MonthlyFeedback => "月度反馈", "Monthly feedback";
    QuarterlyEvaluation => "季度评价", "Quarterly evaluation";
    Quarter => "季度", "Quarter";
    ReturnsSum => "退单", "Returns";
    StationColumn => "供电所", "Station";
    RuleVersionUsed => "规则表版本", "Rule table version";
    NotGiven => "未填写", "Not given";
    Drill => "情景化考核（培训）", "Training drill";
    DrillIntro => "使用演示工单，不涉及真实客户：判断类型、类别和等级，选出处理时限和答复模板，系统按规则评分并说明依据条款。成绩只保存在本机。", "Demo tickets only, never real customers: judge the kind, category and grade, pick the resolution deadline and a reply template; the rules score each answer and name the clause. Results stay on this device.";
    Trainee => "学员", "Trainee";
    Scenario => "题目", "Scenario";
    DrillDeadline => "处理时限", "Resolution deadline";
    NoGrade => "不分级", "No grade";
    NoResolutionClock => "不适用（非投诉）", "None (not a complaint)";
    CheckAnswer => "核对答案", "Check the answer";
    NextScenario => "下一题", "Next";
    DrillDone => "本轮得分", "Score this round";
    DrillAgain => "再来一轮", "Another round";
    DrillHistory => "本机培训记录", "Drills on this device";
    TrainingLink => "培训考核", "Training drill";
    TariffInForce => "当前电价表", "Tariff in force";
    TariffRefused => "电价表未导入", "Tariff not imported";
    SampleBadge => "示例", "sample";
    ImportTariff => "导入本地电价表（JSON）", "Import the local tariff (JSON)";
    ReplyTemplates => "答复话术", "Reply templates";
    Step => "环节", "Step";
    Template => "模板", "Template";
    StepFirstResponse => "首次响应", "First response";
    StepProgress => "进展通报", "Progress";
    StepResolution => "处理说明", "Explanation";
    StepDelay => "延迟告知", "Delay";
    UseTemplate => "套用模板", "Use template";
    ReplyText => "答复内容（可修改）", "Reply (edit as needed)";
    FillTheMarked => "请补全【】中的内容后再记录。", "Complete the parts in 【】 before recording.";
    CompleteTheReply => "答复还不完整：请补全【】中的内容。", "The reply is not complete: fill in the parts in 【】.";
    RecordAsResponse => "记录为首次响应", "Record as first response";
    RecordAsProgress => "记录为进展通报", "Record as progress report";
    ReplyRecorded => "答复已记录。", "Reply recorded.";
    Signatures => "签名", "Signatures";
    SignHere => "请在此签名", "Sign here";
    Signer => "签名人", "Signed by";
    SignatureRole => "用途", "For";
    RoleCustomer => "客户确认", "Customer confirmation";
    RoleInvestigation => "调查笔录", "Investigation record";
    ClearSignature => "清除", "Clear";
    SaveSignature => "保存签名", "Save signature";
    SignerRequired => "请填写签名人。", "Please give the signer's name.";
    SignFirst => "请先在框内签名。", "Please sign in the box first.";
    ActionDelay => "告知延迟到达", "Tell of a late arrival";
    FieldNewArrival => "新的预计到达时间", "New expected arrival";
    TimeInPast => "这个时间已经过去了。", "That time has already passed.";
    FrequentQuestions => "这些解答也许能帮到您", "These answers may help";
    ThisSolvedIt => "这解决了我的问题", "This solved it";
    StillWantToFile => "没有解决，继续反映问题", "Not solved: I still want to file";
    SelfServicePrefix => "自助解答：", "Self-service: ";
    SelfServiceReason => "客户通过常见问题自助解决", "Answered by a frequent question at the kiosk";
    GladItHelped => "很高兴能帮到您！", "Glad that helped!";
    GladItHelpedMore => "如还有其他问题，可随时在本机提交或拨打 95598。", "If anything else comes up, file it here or call 95598.";
    SelfServiceCount => "自助解答", "Self-service answers";
    BillCalculator => "电费试算", "Bill calculator";
    SampleTariff => "注意：这是示例电价，仅用于演示，实际电价以当地物价部门核定为准。", "Note: this is a sample tariff for demonstration; the locally approved prices apply.";
    TieredMode => "阶梯电价", "Tiered price";
    TouMode => "峰谷电价", "Time-of-use price";
    Period => "计费周期", "Billing period";
    PerMonth => "按月", "Monthly";
    PerYear => "按年", "Yearly";
    UsageKwh => "用电量（度）", "Usage (kWh)";
    PeakKwh => "峰时段用电（度）", "Peak usage (kWh)";
    ValleyKwh => "谷时段用电（度）", "Valley usage (kWh)";
    OtherKwh => "对比：另一户用电量（度，可选）", "Compare: another household's usage (kWh, optional)";
    KwhInvalid => "请输入不超过两位小数的数字。", "Enter a number with at most two decimals.";
    YourUsage => "您", "You";
    OtherUsage => "对比户", "Other";
    YourBill => "试算电费", "Estimated bill";
    Yuan => "元", "yuan";
    ReachesTier => "用电量达到", "usage reaches";
    Surcharge => "加价", "surcharge";
    BillLine => "项目", "Item";
    KwhColumn => "度数", "kWh";
    PriceColumn => "单价（元/度）", "Price (yuan/kWh)";
    AmountColumn => "金额（元）", "Amount (yuan)";
    BillTotal => "合计", "Total";
    WhereInTiers => "用电量落在哪一档", "Where the usage falls in the tiers";
    Comparison => "对比", "Comparison";
    CompareExplain => "用电量越过档位上限后，超出部分按更高单价计费，所以电费的差距会大于用电量的差距。", "Energy above a tier's limit costs more per kWh, so bills differ by more than the usage does.";
    OpenCalculator => "打开电费试算", "Open the bill calculator";
    SupEmergency => "应急", "Emergency";
    SupDevices => "设备登记", "Devices";
    DevicesHint => "本机只采用已登记主管设备签名的规则、日历、电价和停电通知；其他设备的记录照常保留，并标为“未登记设备”。", "This device applies rule tables, calendars, tariffs and outage notices only when an enrolled supervisor device signed them; other devices' records are kept and marked “unenrolled device”.";
    ThisDeviceIs => "本机", "This device";
    KeyFingerprint => "密钥指纹", "Key fingerprint";
    GovernsRoot => "本机是根主管设备：可登记和吊销设备。", "This device is a root supervisor: it can enrol and revoke devices.";
    GovernsEnrolled => "本机是已登记的主管设备：可登记和吊销设备。", "This device is an enrolled supervisor: it can enrol and revoke devices.";
    GovernsNot => "本机不是已登记的主管设备：登记与吊销须在主管设备上进行。本机发布的修改只在本机生效。", "This device is not an enrolled supervisor: enrol and revoke on a supervisor's device. Changes published here apply on this device only.";
    NoRootYet => "本机还没有信任的主管设备。若本机是主管的设备，可把它设为根主管设备；其他设备导入本机的文件后，会信任这把密钥（请核对指纹）。", "This device trusts no supervisor yet. If it is a supervisor's, make it the root supervisor; devices that take its files then trust this key (compare the fingerprint).";
    BecomeRoot => "设为根主管设备", "Make this the root supervisor";
    DeviceColumn => "设备", "Device";
    DeviceName => "名称", "Name";
    RoleColumn => "角色", "Role";
    StandingColumn => "状态", "Standing";
    StandingRoot => "根主管", "Root supervisor";
    StandingEnrolled => "已登记", "Enrolled";
    Enrol => "登记", "Enrol";
    Revoke => "吊销", "Revoke";
    RevokeReason => "吊销原因", "Reason for revoking";
    EnrolFieldsRequired => "请填写名称和所属供电所。", "Enter a name and a station.";
    RevokeReasonRequired => "请填写吊销原因。", "Enter why it is revoked.";
    RosterRefused => "以下登记记录不是由本机信任的主管签名，未被采用：", "These roster records are not signed by a supervisor this device trusts, and were not applied:";
    DeclareIncident => "宣布区域性停电事件", "Declare a regional incident";
    EmergencyHint => "同一原因引起的大面积停电：关联相关工单，一次发布进展，所有关联工单同时记录进展通报，本供电所的自助终端同步显示。", "A wide outage with one cause: link its tickets and post progress once; every linked ticket records it and the station's kiosks show it.";
    IncidentCause => "原因", "Cause";
    ExpectedRestoration => "预计恢复时间", "Expected restoration";
    Declare => "宣布", "Declare";
    Incidents => "事件", "Incidents";
    IncidentFieldsRequired => "请填写供电所和原因。", "Please give the station and the cause.";
    IncidentTimeRequired => "请填写预计恢复时间。", "Please give the expected restoration time.";
    LinkedTickets => "已关联工单", "Linked tickets";
    LinkOpenTickets => "关联本所未关闭的供电质量工单", "Link the station's open supply-quality tickets";
    EndIncident => "结束事件", "End the incident";
    IncidentEndedLabel => "已结束", "Ended";
    ProgressNotice => "进展通知", "Progress notice";
    SendNotice => "发布通知", "Post notice";
    KioskIncident => "停电通知", "Outage notice";
    KioskIncidentText => "预计恢复供电时间：", "Power expected back by ";
    LatestProgress => "最新进展：", "Latest: ";
    HighFrequencyShare => "高频预警占比（%）", "High-frequency share (%)";
    HighFrequencyMin => "高频预警最低件数", "High-frequency minimum count";
    SatisfactionThresholdLabel => "满意分数线（0–100）", "Satisfied at (0–100)";
    ReasonRequired => "请填写修改原因。", "Please give the reason for the change.";
    EditRules => "修改规则（发布新版本）", "Edit the rules (publish a new version)";
    EditRulesHint => "修改不会覆盖原规则：保存后生成新版本，随同步文件发到所有设备；每张工单仍记录当时判定所用的版本。", "Nothing is overwritten: saving makes a new version that travels to every device in sync files; each ticket keeps the version that decided it.";
    Thresholds => "阈值", "Thresholds";
    ClockSpans => "各时限的时长", "Deadline spans";
    TopicKeywords => "各子类关键词（以“、”分隔）", "Keywords per subcategory (separated by 、)";
    ChangeReason => "修改原因", "Reason for the change";
    PublishRules => "校验并发布", "Check and publish";
    RulesPublishedAs => "已发布并生效，版本", "Published and in force as version";
    PublicationHistory => "发布记录", "Publications";
    ShippedRulesInForce => "当前使用随应用发布的规则表。", "The rule table shipped with the app is in force.";
    SettingsRejected => "以下设置因校验未通过而未采用：", "These settings failed validation and were not applied:";
    EditCalendar => "修改日历", "Edit the calendar";
    ImportCalendarYear => "导入一年的节假日文件（holiday-cn 格式）", "Import a year's holidays (holiday-cn file)";
    CalendarFileUnreadable => "无法读取该文件。", "The file could not be read.";
    CalendarFileRefused => "日历文件未导入", "Calendar file not imported";
    CalendarYearImported => "已导入并生效：", "Imported and in force:";
    CalendarDaySaved => "已保存：", "Saved:";
    PickADay => "请先选择日期。", "Please pick a day first.";
    HolidayName => "名称（可选）", "Name (optional)";
    SaveDay => "保存这一天", "Save this day";
    MoreInLedger => "仅列出前 100 张；完整清单请在台账中筛选。", "The first 100 are listed; filter the ledger for all of them.";
    SearchHint => "搜索工单号、电话、地址或内容", "Search number, phone, address or text";
    AllGrades => "全部等级", "All grades";
    AllCategories => "全部类别", "All categories";
    NoMatch => "没有符合条件的工单。", "No ticket matches.";
    AspectClassification => "分类", "classification";
    AspectResolution => "处理结果", "resolution";
    AspectSatisfaction => "满意度", "satisfaction";
    AspectOther => "其他记录", "other records";
    RecordedBy => "记录人", "recorded by";
    SettleConflict => "采用这一项", "Keep this one";
    ConflictSettled => "冲突已解决", "Conflict settled";
    AddPhoto => "拍照或选择照片", "Take or choose a photo";
    Photos => "照片", "Photos";
    StorageFailed => "本机存储出错：", "The device's storage failed:";
    FileUnreadable => "无法读取该文件，请重新选择。", "The file could not be read; please choose it again.";
    FileNotText => "该文件不是文本文件（UTF-8）。", "The file is not a text file (UTF-8).";
    FileNotOffered => "无法保存或分享该文件，请检查存储空间后重试。", "The file could not be saved or shared; check the storage and try again.";
    PhotoFailed => "照片无法读取，请换一张或重新拍摄。", "The photo could not be read; choose another or take it again.";
        RecordedBeforeSigning => "签名前的记录", "Recorded before signing";
        DemoDevice => "演示数据", "Demo data";
        DeviceCannotSign => "本机无法签名，导出的记录不带签名：", "This device cannot sign; the records it exports carry no signature:";
        ClockWentBack => "本机时钟比上一条记录早，请校准时间（新记录沿用上一条的时间）。", "This device's clock is behind its last record; please set the time (new records keep the last record's time).";
        IntentOrder => "判断顺序（文字同时有几种意图时，靠前的优先）", "Intent order (when a text shows several intents, the earlier wins)";
        Variants => "方言、口语与繁体的读法", "Regional, colloquial and traditional forms read as";
        CandidateKeywords => "候选关键词", "Candidate keywords";
        CandidateKeywordsHint => "工作人员更正过分类、而现有规则仍判断不对的工单里，规则表还不认识的词，按更正后的子类分组。加入后发布为规则表的新版本，各设备同步后生效。", "Words no rule knows yet, from tickets whose classification staff corrected and the rules still read otherwise, grouped by the corrected subcategory. Adding one publishes a new version of the rule table, applied on every device it reaches.";
        NoCandidates => "暂无候选关键词：还没有被更正且规则仍判断不对的工单。", "No candidates yet: no corrected ticket that the rules still read otherwise.";
        CorrectedTickets => "{n} 张更正过的工单", "{n} corrected tickets";
        AddCandidate => "加入关键词", "Add to keywords";
        CandidateAdded => "已加入“{word}”，规则表新版本 {version} 已发布。", "Added \"{word}\"; rule table version {version} published.";
        CandidateReason => "加入候选关键词：{word}", "Candidate keyword added: {word}";
    }
}

/// A word from either table, where one list mixes them (a table's header,
/// a form's labels).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    Screen(Key),
    Domain(Term),
}

impl From<Key> for Label {
    fn from(key: Key) -> Label {
        Label::Screen(key)
    }
}

impl From<Term> for Label {
    fn from(term: Term) -> Label {
        Label::Domain(term)
    }
}

impl Label {
    pub fn text(self, lang: Lang) -> &'static str {
        Text::text(self, lang)
    }
}

impl Text for Label {
    fn text(self, lang: Lang) -> &'static str {
        match self {
            Label::Screen(key) => key.text(lang),
            Label::Domain(term) => term.text(lang),
        }
    }
}

/// `labels![Term::Kind, Key::NextDeadline]`: a list of [`Label`]s.
#[macro_export]
macro_rules! labels {
    ($($word:expr),* $(,)?) => {
        vec![$($crate::i18n::Label::from($word)),*]
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_distinct_non_empty_texts_in_both_languages() {
        for key in Key::ALL {
            let zh = key.text(Lang::Zh);
            let en = key.text(Lang::En);
            assert!(!zh.trim().is_empty() && !en.trim().is_empty(), "{key:?}");
            assert_ne!(zh, en, "{key:?} is not translated");
            assert!(
                zh.chars().any(|c| c as u32 > 0x2E80),
                "{key:?} Chinese text has no CJK"
            );
        }
    }

    #[test]
    fn placeholders_are_filled_in_either_order() {
        let n: &dyn std::fmt::Display = &3;
        assert_eq!(
            Key::ImportedN.fill(Lang::Zh, &[("n", n)]),
            "已导入并保存 3 条新记录"
        );
        assert_eq!(
            Key::ImportedN.fill(Lang::En, &[("n", n)]),
            "3 new records imported and saved"
        );
        // Every placeholder of one language is in the other.
        for key in Key::ALL {
            let names = |text: &str| {
                let mut found: Vec<String> = text
                    .split('{')
                    .skip(1)
                    .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
                    .collect();
                found.sort();
                found
            };
            assert_eq!(
                names(key.text(Lang::Zh)),
                names(key.text(Lang::En)),
                "{key:?}"
            );
        }
    }
}
