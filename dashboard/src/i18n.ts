// Interface strings: zh-CN by default, English on request (kept in localStorage). Keys are
// English identifiers; a missing key shows the key itself, so a gap is visible, not fatal.

export type Lang = 'zh' | 'en';
const STORE = 'fw.lang';

const ZH: Record<string, string> = {
  appName: 'Flarewatch 舆情预警', skip: '跳到正文', signOut: '退出', switchLang: 'English', signedInAs: '当前用户',
  // the setup checklist (GET /healthz `setup`, src/server/setup-checklist.ts); {name} is filled from the item
  setupTitle: '设置未完成，告警可能送不到人', setupFix: '解决办法：', setupNoneWorks: '目前没有任何接收人能收到告警：',
  setup_receiver_url_unset: '环境变量 {variables} 未设置，接收人 {receivers} 的 {channels} 渠道已停用。',
  setup_receiver_url_unset_fix: '设置 {variables} 后重启 Flarewatch，或在 alerting.yaml 中为接收人配置其他渠道。',
  setup_no_receiver: '告警只记录在看板上，不会发给任何人：alerting.yaml 中没有可用的接收人。',
  setup_no_receiver_fix: '在 alerting.yaml 中添加接收人（邮件、企业微信、钉钉、飞书、Slack 或 Webhook）和指向它的路由。',
  setup_smtp_url_unset: '发给 {receivers} 的邮件发不出去：SMTP_URL 未设置。',
  setup_smtp_url_unset_fix: '设置 SMTP_URL（如 smtp://user:pass@smtp.example.com:587）后重启 Flarewatch。',
  setup_public_url_unset: '告警里的链接（查看事件、一键确认）指向 {linksTo}，在手机或其他电脑上打不开。',
  setup_public_url_unset_fix: '把 FLAREWATCH_PUBLIC_URL 设为大家访问看板的地址（如 https://flarewatch.example.com）后重启 Flarewatch。',
  overview: '总览', incidents: '事件', posts: '帖子检索', alerts: '告警', sources: '数据源', rules: '主题与规则', reports: '报表', settings: '设置', users: '用户',
  login: '登录', username: '用户名', password: '密码', loginFailed: '登录失败', loading: '加载中…', error: '出错了', retry: '重试', none: '暂无',
  riskByTopic: '各主题风险指数', trend24h: '24 小时', trend7d: '7 天', volumeBySource: '各来源声量', sentimentShare: '情感占比', topIncidents: '未关闭的重点事件',
  liveAlerts: '实时告警', sound: '提示音', titleFlash: '标题闪烁', on: '开', off: '关', newAlert: '新告警',
  negative: '负面', neutral: '中性', positive: '正面', unknown: '未知',
  topic: '主题', level: '级别', risk: '风险', peakRisk: '峰值风险', status: '处理状态', state: '状态', owner: '负责人', opened: '开始于', updated: '更新于', title: '标题', postsCount: '帖子数',
  timeline: '时间线：声量、转发与预测区间', volume: '声量（帖）', reposts: '转发', forecast: '预测转发', forecastBand: '预测区间（80%）',
  keyPosts: '相关帖子', author: '作者', followers: '粉丝', text: '内容', reach: '传播', published: '发布时间', original: '原文', source: '来源', sentiment: '情感', severity: '严重度',
  reasons: '预警原因', workflow: '处置流程', acknowledge: '确认接手', acknowledged: '已确认', assign: '指派', notes: '备注', addNote: '添加备注', save: '保存', saved: '已保存',
  evidence: '证据存档', archiveNow: '立即存档', screenshot: '截图', htmlSnapshot: 'HTML 快照', noEvidence: '暂无存档（P2 及以上事件会自动截图存档）',
  st_new: '新事件', st_acknowledged: '已确认', st_responding: '处置中', st_resolved: '已解决', st_false_alarm: '误报',
  query: '查询', queryHelp: '语法：词语、"短语"、AND / 空格、OR、NOT / -词、( )、NEAR/n、source: author: title:', search: '搜索', from: '开始', to: '结束', any: '全部',
  export: '导出 CSV', correct: '更正情感', loadMore: '加载更多', results: '条结果',
  history: '告警历史', deliveries: '投递回执', channel: '渠道', receiver: '接收人', attempts: '尝试', silences: '静默规则', createSilence: '新建静默', expire: '立即失效', matcher: '匹配', value: '值', duration: '时长', comment: '说明', active: '生效中', expired: '已失效',
  health: '健康状况', lastSuccess: '最近成功', itemsPerHour: '每小时条数', errorStreak: '连续失败', blocked: '被封禁', crawlNow: '立即抓取', healthy: '正常', failing: '异常', lastError: '最近错误',
  // a source's page: its accounts (src/crawl/account-pool.ts), QR login (src/crawl/qr-login.ts), resume after a captcha
  sourceDetails: '数据源详情', accounts: '账号', accountName: '账号名', accountOrigin: '添加方式', origin_config: '配置文件', origin_login: '扫码登录',
  acct_active: '正常', acct_paused: '因验证码暂停', acct_retired: '已停用', lastUsed: '最近使用', lastOk: '最近成功', errorScore: '错误分', sessionCol: '登录态', proxy: '代理',
  sessionSaved: '已保存', noSession: '无', cookieEnvSet: '已设置', cookieEnvUnset: '未设置',
  loginQr: '扫码登录', loginAgain: '重新扫码登录', newQr: '获取新的二维码', resumeSolved: '我已处理验证码，恢复抓取', resumeAccount: '恢复', removeAccount: '删除账号',
  resumedMsg: '已恢复：{names}', nothingPaused: '没有因验证码暂停的账号', accountRemoved: '账号已删除', accountsUnavailable: '抓取程序未在本进程运行，无法管理账号（请用 flarewatch start 启动）',
  noAccounts: '还没有账号：请扫码登录一个账号', noAccountsNeeded: '这个数据源不需要登录，抓取时不用账号',
  noAccountsConfig: '还没有账号：请在 sources.yaml 中为这个数据源添加账号（cookiesEnv）', platform: '平台', colon: '：', pausedNotice: '该数据源因验证码暂停：请在浏览器或手机上完成验证，然后点击“我已处理验证码，恢复抓取”。',
  guessedLogin: '这个平台的扫码登录还没有在真实网站上核对过；如果二维码没有出现，请告诉技术负责人（推测的设置：{fields}）', qrAlt: '登录二维码', loginAccountOpt: '账号名（可选）', loginProxyOpt: '代理（可选，http://）',
  login_starting: '正在打开登录页…', login_waiting: '请用手机上的{app} App 扫描二维码登录', login_expired: '二维码已过期，请获取新的二维码', login_done: '登录成功，账号已保存，抓取将使用它',
  login_failed: '登录失败', login_cancelled: '已取消', qrExpiresAt: '二维码有效期至 {at}',
  src_pending: '等待首次抓取', src_ok: '正常', src_degraded: '抓取失败，稍后重试', src_not_working: '尚未成功抓取', src_failing: '连续失败', src_empty: '连续无数据', src_blocked: '被封禁（需更新登录/Cookie）',
  ruleFiles: '规则文件', edit: '编辑', validate: '校验', valid: '校验通过', testQuery: '用最近帖子测试查询', test: '测试', hours: '小时',
  file: '文件', newTopic: '新建主题', editPick: '点上面规则文件旁的“编辑”打开它，或新建一个主题。', lineN: '第 {n} 行',
  downloadReports: '下载报表', fullReport: '完整报告', period: '时间段', download: '下载',
  channels: '告警渠道', testSend: '测试发送', sent: '已发送',
  role: '角色', addUser: '新增用户', disabled: '已停用', disable: '停用', enable: '启用', resetPassword: '重置密码', created: '创建于',
  forbidden: '无权限', signInAgain: '会话已过期，请重新登录', notFound: '页面不存在',
  // the desk merges and splits incidents (src/desk/merge-split.ts)
  regroup: '合并与拆分', mergeInto: '合并到…', mergeTarget: '目标事件', mergeHelp: '把本事件并入同一主题的另一事件：帖子移过去，本事件关闭；之后本会归入本事件的新帖都归入目标事件。',
  noMergeTargets: '本主题没有其他未关闭的事件', mergeQuestion: '确定把 {from} 合并到 {to}？此操作不能撤销。', confirmMerge: '确认合并', cancel: '取消', mergeDone: '已合并',
  mergedInto: '已合并到', mergedFrom: '合并自', splitFrom: '拆分自', mergedNotice: '本事件已合并到另一事件，请在该事件中处置：',
  splitSelected: '拆分所选帖子', splitHelp: '在下方帖子列表中勾选帖子，把它们拆分为同一主题下的新事件。', splitTitle: '新事件标题（可选）',
  splitQuestion: '确定把所选的 {n} 条帖子拆分为新事件？', confirmSplit: '确认拆分', splitDone: '已拆分为新事件', selectPostsFirst: '请先在帖子列表中勾选要拆分的帖子', selectPost: '选择',
  // silences: labels a matcher can test, the preview of what a silence catches
  lbl_topic: '主题', lbl_level: '级别', lbl_incident: '事件编号', lbl_source: '来源', lbl_category: '类别', lbl_kind: '告警类型', lbl_state: '告警状态',
  previewSilence: '预览', silenceCatches: '将拦截', silenceCatchesOf: '个未关闭事件的告警', silenceCatchesNone: '目前没有未关闭的事件会被拦截，请检查匹配条件', hint: '提示',
  // the pipeline's alert state, shown apart from the desk's status (处理状态)
  alertState: '告警状态', as_quiet: '未告警', as_pending: '待确认', as_firing: '告警中', as_resolved: '已恢复',
  // query syntax errors on the Posts page
  querySyntax: '查询语法有误', queryColumn: '第 {n} 个字符处', menu: '菜单',
  q_empty_query: '查询为空，请至少输入一个词', q_unmatched_paren: '多了一个右括号 )', q_unclosed_paren: '缺少右括号 ) 与左括号 ( 配对',
  q_expected_term: '此处缺少搜索词', q_unexpected: '此处不应出现该符号', q_missing_left: '运算符左边缺少搜索词',
  q_near_operand: 'NEAR 两侧必须是词语或短语', q_bad_near: 'NEAR 写法有误，应为 NEAR/数字，如 召回 NEAR/5 牛奶', q_near_too_far: 'NEAR 距离过大',
  q_unterminated_phrase: '引号没有闭合', q_empty_phrase: '引号中没有内容', q_lone_minus: '单独的减号不排除任何内容，请紧贴要排除的词，如 -广告',
  q_unknown_field: '未知的字段前缀（可用 source: author: title:）', q_field_value: '字段前缀后面缺少值（冒号后不要加空格）', q_nested_field: '字段限定不能嵌套',
  q_empty_term: '这个词规范化后为空', q_control_char: '查询中有控制字符', q_too_deep: '括号或 NOT 嵌套过深',
  // time ranges, buckets, KPIs and charts (overview and incident charts; dashboard/src/charts.ts)
  timeRange: '时间范围', range_15m: '近 15 分钟', range_1h: '近 1 小时', range_6h: '近 6 小时', range_24h: '近 24 小时', range_7d: '近 7 天', range_30d: '近 30 天', range_custom: '自定义',
  apply: '应用', interval: '粒度', bucketAuto: '自动', perBar: '每格', zoneBeijing: '北京时间',
  bucket_1m: '1 分钟', bucket_5m: '5 分钟', bucket_15m: '15 分钟', bucket_1h: '1 小时', bucket_1d: '1 天',
  rangeMissing: '请填写开始和结束时间', rangeOrder: '开始时间须早于结束时间', rangeTooLong: '时间范围太长（最多约 500 天）',
  kpiTitle: '本时段指标（与上一时段相比）', kpiPosts: '帖子数', kpiNegativeShare: '负面占比', kpiIncidents: '新增事件', kpiAlerts: 'P1/P2 告警',
  kpiPrevious: '上一时段', kpiComparedWith: '对比', kpiNoCompare: '上一时段无数据', kpiSame: '与上一时段持平', kpiPoints: '个百分点', kpiFromZero: '新出现',
  sentimentOverTime: '情感走势', postsAxis: '帖子数', shareOfVoice: '声量份额（各监测主题）', shareTotals: '声量份额：时段合计', share: '份额', mentions: '提及数',
  sovOneTopic: '目前只监测一个主题。在“主题与规则”中添加竞品主题，即可在这里对比声量份额。', noDataInRange: '该时段内没有数据',
  forecastEarly: '尚早，暂不预测（{minutes} 分钟内转发 {reposts}）', repostsCumulative: '累计转发', newPosts: '新帖', forecastColumn: '预测',
  forecastAboveAxis: '超出坐标轴', forecastNone: '暂无预测',
  // bulk actions on the incidents list (POST /api/v1/incidents/bulk); {n} etc. are filled in
  bulkActions: '批量操作', bulkSelected: '已选 {n} 个事件', bulkSetStatus: '设置状态', bulkClear: '取消选择', select: '选择', selectAll: '全选',
  bulkSummary: '完成 {done} 个，无变化 {unchanged} 个，未执行 {refused} 个', bulkUnchanged: '无变化（本来就是）', bulkOwnerCleared: '已清除负责人',
  bulkNotFound: '事件不存在', bulkMerged: '已合并到 {id}，请在那个事件上操作', bulkAckClosed: '事件已{status}，需先重新打开（状态改为处置中）', bulkNoTransition: '不能从「{from}」改为「{to}」',
  // saved searches and highlighted matches on the posts page
  savedSearches: '已保存的检索', saveSearch: '保存当前检索', searchName: '检索名称', noSavedSearches: '还没有保存的检索', runSearch: '运行', rename: '重命名', delete: '删除',
  confirmDelete: '确定删除', searchSaved: '检索已保存', searchRenamed: '已重命名', searchDeleted: '已删除', nameRequired: '请先填写名称', queryRequired: '请先输入查询',
  nameTaken: '已有同名的检索，请换一个名称', matches: '匹配',
  // the incident brief (GET /api/v1/incidents/:id/brief)
  brief: '事件简报', briefWhat: '发生了什么', briefWho: '涉及人群', briefSaid: '主要说法', briefHarms: '提到的问题', briefNone: '帖子太少，暂无简报',
  briefByExtract: '抽取式摘要：从帖子原文中挑选最有代表性的句子', briefByLlm: '由大模型 {model}（{host}）根据帖子撰写，请核对原帖', briefFallback: '大模型未能生成（{reason}），以下为抽取式摘要',
  briefPosts: '条帖子', briefLoading: '正在生成简报…',
};

const EN: Record<string, string> = {
  appName: 'Flarewatch', skip: 'Skip to content', signOut: 'Sign out', switchLang: '中文', signedInAs: 'Signed in as',
  setupTitle: 'Setup incomplete: alerts may not reach anyone', setupFix: 'Fix: ', setupNoneWorks: 'No receiver can deliver alerts: ',
  setup_receiver_url_unset: '{variables} is not set, so the {channels} channel of receiver {receivers} is disabled.',
  setup_receiver_url_unset_fix: 'Set {variables} and restart Flarewatch, or give the receiver another channel in alerting.yaml.',
  setup_no_receiver: 'Alerts are only recorded on the dashboard and sent to no one: alerting.yaml has no working receiver.',
  setup_no_receiver_fix: 'Add a receiver (email, WeCom, DingTalk, Feishu, Slack or webhook) and a route to it in alerting.yaml.',
  setup_smtp_url_unset: 'Email to {receivers} cannot be sent: SMTP_URL is not set.',
  setup_smtp_url_unset_fix: 'Set SMTP_URL (e.g. smtp://user:pass@smtp.example.com:587) and restart Flarewatch.',
  setup_public_url_unset: 'Links in alerts (incident, acknowledge) point to {linksTo}, which does not open on a phone or another computer.',
  setup_public_url_unset_fix: 'Set FLAREWATCH_PUBLIC_URL to the address people use for the dashboard (e.g. https://flarewatch.example.com) and restart Flarewatch.',
  overview: 'Overview', incidents: 'Incidents', posts: 'Posts', alerts: 'Alerts', sources: 'Sources', rules: 'Topics & rules', reports: 'Reports', settings: 'Settings', users: 'Users',
  login: 'Sign in', username: 'User name', password: 'Password', loginFailed: 'Sign-in failed', loading: 'Loading…', error: 'Error', retry: 'Retry', none: 'None',
  riskByTopic: 'Risk index by topic', trend24h: '24 h', trend7d: '7 d', volumeBySource: 'Volume by source', sentimentShare: 'Sentiment share', topIncidents: 'Top open incidents',
  liveAlerts: 'Live alerts', sound: 'Sound', titleFlash: 'Title flash', on: 'on', off: 'off', newAlert: 'New alert',
  negative: 'Negative', neutral: 'Neutral', positive: 'Positive', unknown: 'Unknown',
  topic: 'Topic', level: 'Level', risk: 'Risk', peakRisk: 'Peak risk', status: 'Desk status', state: 'State', owner: 'Owner', opened: 'Opened', updated: 'Updated', title: 'Title', postsCount: 'Posts',
  timeline: 'Timeline: volume, reposts and forecast band', volume: 'Volume (posts)', reposts: 'Reposts', forecast: 'Forecast reposts', forecastBand: 'Forecast band (80%)',
  keyPosts: 'Posts', author: 'Author', followers: 'Followers', text: 'Text', reach: 'Reach', published: 'Published', original: 'Original', source: 'Source', sentiment: 'Sentiment', severity: 'Severity',
  reasons: 'Reasons', workflow: 'Workflow', acknowledge: 'Acknowledge', acknowledged: 'Acknowledged', assign: 'Assign', notes: 'Notes', addNote: 'Add note', save: 'Save', saved: 'Saved',
  evidence: 'Evidence archive', archiveNow: 'Archive now', screenshot: 'Screenshot', htmlSnapshot: 'HTML snapshot', noEvidence: 'Nothing archived yet (incidents at P2 or higher are archived automatically)',
  st_new: 'New', st_acknowledged: 'Acknowledged', st_responding: 'Responding', st_resolved: 'Resolved', st_false_alarm: 'False alarm',
  query: 'Query', queryHelp: 'Syntax: words, "phrases", AND / space, OR, NOT / -word, ( ), NEAR/n, source: author: title:', search: 'Search', from: 'From', to: 'To', any: 'Any',
  export: 'Export CSV', correct: 'Correct sentiment', loadMore: 'Load more', results: 'results',
  history: 'Alert history', deliveries: 'Delivery receipts', channel: 'Channel', receiver: 'Receiver', attempts: 'Attempts', silences: 'Silences', createSilence: 'New silence', expire: 'Expire now', matcher: 'Match', value: 'Value', duration: 'Duration', comment: 'Comment', active: 'active', expired: 'expired',
  health: 'Health', lastSuccess: 'Last success', itemsPerHour: 'Items / hour', errorStreak: 'Error streak', blocked: 'Blocked', crawlNow: 'Crawl now', healthy: 'healthy', failing: 'failing', lastError: 'Last error',
  // a source's page: its accounts (src/crawl/account-pool.ts), QR login (src/crawl/qr-login.ts), resume after a captcha
  sourceDetails: 'Source details', accounts: 'Accounts', accountName: 'Account', accountOrigin: 'Added by', origin_config: 'sources.yaml', origin_login: 'QR login',
  acct_active: 'active', acct_paused: 'paused (captcha)', acct_retired: 'retired', lastUsed: 'Last used', lastOk: 'Last good run', errorScore: 'Error score', sessionCol: 'Session', proxy: 'Proxy',
  sessionSaved: 'saved', noSession: 'none', cookieEnvSet: 'set', cookieEnvUnset: 'not set',
  loginQr: 'Log in (QR code)', loginAgain: 'Log in again', newQr: 'Get a new QR code', resumeSolved: 'I solved it / resume', resumeAccount: 'Resume', removeAccount: 'Remove',
  resumedMsg: 'Resumed: {names}', nothingPaused: 'No account was paused by a captcha', accountRemoved: 'Account removed', accountsUnavailable: 'Accounts are managed while the crawler runs in this process (flarewatch start)',
  noAccounts: 'No account yet: log one in with the QR code', noAccountsNeeded: 'This source needs no login: it is crawled without an account',
  noAccountsConfig: 'No account yet: add one to this source in sources.yaml (cookiesEnv)', platform: 'Platform', colon: ': ', pausedNotice: 'This source is paused by a captcha: solve it in a browser or the phone app, then press "I solved it / resume".',
  guessedLogin: 'QR login for this platform has not been checked against the live site yet; if no QR code appears, tell your technical contact (guessed settings: {fields})', qrAlt: 'login QR code', loginAccountOpt: 'Account name (optional)', loginProxyOpt: 'Proxy (optional, http://)',
  login_starting: 'Opening the login page…', login_waiting: 'Scan the QR code with the {app} phone app', login_expired: 'The QR code expired: get a new one', login_done: 'Logged in: the account is saved and crawls use it',
  login_failed: 'Login failed', login_cancelled: 'Cancelled', qrExpiresAt: 'The code is good until {at}',
  src_pending: 'pending (not crawled yet)', src_ok: 'ok', src_degraded: 'degraded (retrying with backoff)', src_not_working: 'not yet working', src_failing: 'failing', src_empty: 'returning nothing', src_blocked: 'blocked (login/cookies)',
  ruleFiles: 'Rule files', edit: 'Edit', validate: 'Validate', valid: 'Valid', testQuery: 'Test a query against recent posts', test: 'Test', hours: 'hours',
  file: 'File', newTopic: 'New topic', editPick: 'Press "Edit" next to a rule file above to open it, or add a new topic.', lineN: 'line {n}',
  downloadReports: 'Download reports', fullReport: 'Full report', period: 'Period', download: 'Download',
  channels: 'Alert channels', testSend: 'Test send', sent: 'Sent',
  role: 'Role', addUser: 'Add user', disabled: 'disabled', disable: 'Disable', enable: 'Enable', resetPassword: 'Reset password', created: 'Created',
  forbidden: 'Not allowed', signInAgain: 'Session expired, please sign in again', notFound: 'Page not found',
  regroup: 'Merge and split', mergeInto: 'Merge into…', mergeTarget: 'Target incident', mergeHelp: 'Merge this incident into another of the same topic: its posts move there and this one closes; new posts that would have joined it join the target.',
  noMergeTargets: 'No other open incident of this topic', mergeQuestion: 'Merge {from} into {to}? This cannot be undone.', confirmMerge: 'Confirm merge', cancel: 'Cancel', mergeDone: 'Merged',
  mergedInto: 'Merged into', mergedFrom: 'Merged from', splitFrom: 'Split from', mergedNotice: 'This incident was merged into another; work on that one:',
  splitSelected: 'Split selected posts', splitHelp: 'Tick posts in the list below to move them into a new incident of the same topic.', splitTitle: 'New incident title (optional)',
  splitQuestion: 'Move the {n} selected posts into a new incident?', confirmSplit: 'Confirm split', splitDone: 'Split into a new incident', selectPostsFirst: 'Tick the posts to split off in the post list first', selectPost: 'Select',
  lbl_topic: 'Topic', lbl_level: 'Level', lbl_incident: 'Incident', lbl_source: 'Source', lbl_category: 'Category', lbl_kind: 'Alert kind', lbl_state: 'Alert state',
  previewSilence: 'Preview', silenceCatches: 'would hold back alerts of', silenceCatchesOf: 'open incidents', silenceCatchesNone: 'no open incident would be caught; check the matcher', hint: 'Hint',
  alertState: 'Alert state', as_quiet: 'quiet', as_pending: 'pending', as_firing: 'firing', as_resolved: 'resolved',
  querySyntax: 'Query syntax error', queryColumn: 'at character {n}', menu: 'Menu',
  q_empty_query: 'The query is empty: type at least one word', q_unmatched_paren: "An extra closing ')'", q_unclosed_paren: "A '(' is not closed by ')'",
  q_expected_term: 'A search term is missing here', q_unexpected: 'This symbol does not belong here', q_missing_left: 'The operator has no term on its left',
  q_near_operand: 'NEAR needs words or phrases on both sides', q_bad_near: 'Write NEAR/n with a number, e.g. recall NEAR/5 milk', q_near_too_far: 'The NEAR distance is too large',
  q_unterminated_phrase: 'The quoted phrase is not closed', q_empty_phrase: 'The quotes hold nothing', q_lone_minus: "A lone '-' excludes nothing: write -word",
  q_unknown_field: 'Unknown field prefix (use source: author: title:)', q_field_value: 'The field prefix needs a value right after the colon', q_nested_field: 'Field filters cannot be nested',
  q_empty_term: 'This term is empty after normalization', q_control_char: 'The query holds a control character', q_too_deep: 'Parentheses or NOTs are nested too deeply',
  timeRange: 'Time range', range_15m: 'Last 15 min', range_1h: 'Last 1 h', range_6h: 'Last 6 h', range_24h: 'Last 24 h', range_7d: 'Last 7 d', range_30d: 'Last 30 d', range_custom: 'Custom',
  apply: 'Apply', interval: 'Interval', bucketAuto: 'Auto', perBar: 'per bar', zoneBeijing: 'Beijing time',
  bucket_1m: '1 min', bucket_5m: '5 min', bucket_15m: '15 min', bucket_1h: '1 hour', bucket_1d: '1 day',
  rangeMissing: 'Fill in both the start and the end', rangeOrder: 'The start must be before the end', rangeTooLong: 'The range is too long (at most about 500 days)',
  kpiTitle: 'This period against the previous one', kpiPosts: 'Posts', kpiNegativeShare: 'Negative share', kpiIncidents: 'New incidents', kpiAlerts: 'P1/P2 alerts',
  kpiPrevious: 'Previous period:', kpiComparedWith: 'compared with', kpiNoCompare: 'no data before', kpiSame: 'same as the previous period', kpiPoints: 'pts', kpiFromZero: 'new',
  sentimentOverTime: 'Sentiment over time', postsAxis: 'Posts', shareOfVoice: 'Share of voice (watched topics)', shareTotals: 'Share of voice: totals for the period', share: 'Share', mentions: 'Mentions',
  sovOneTopic: "Only one topic is watched. Add competitors' topics under Topics & rules to compare share of voice here.", noDataInRange: 'No data in this range',
  forecastEarly: 'too early to forecast ({reposts} reposts in {minutes} min)', repostsCumulative: 'Reposts (cumulative)', newPosts: 'New posts', forecastColumn: 'Forecast',
  forecastAboveAxis: 'above the axis', forecastNone: 'no forecast yet',
  bulkActions: 'Bulk actions', bulkSelected: '{n} selected', bulkSetStatus: 'Set status', bulkClear: 'Clear selection', select: 'Select', selectAll: 'Select all',
  bulkSummary: '{done} done, {unchanged} unchanged, {refused} refused', bulkUnchanged: 'unchanged (already so)', bulkOwnerCleared: 'owner cleared',
  bulkNotFound: 'no such incident', bulkMerged: 'merged into {id}; act on that one', bulkAckClosed: 'already {status}; reopen it first (status Responding)', bulkNoTransition: 'cannot go from {from} to {to}',
  savedSearches: 'Saved searches', saveSearch: 'Save this search', searchName: 'Search name', noSavedSearches: 'No saved searches yet', runSearch: 'Run', rename: 'Rename', delete: 'Delete',
  confirmDelete: 'Confirm delete', searchSaved: 'Search saved', searchRenamed: 'Renamed', searchDeleted: 'Deleted', nameRequired: 'Type a name first', queryRequired: 'Type a query first',
  nameTaken: 'You already have a search of that name; pick another', matches: 'matches',
  brief: 'Incident brief', briefWhat: 'What happened', briefWho: 'Who is affected', briefSaid: 'What is being said', briefHarms: 'Problems mentioned', briefNone: 'Too few posts for a brief yet',
  briefByExtract: 'Extractive: the most representative sentences of the posts, as written', briefByLlm: 'Written by the language model {model} ({host}) from the posts; check the posts', briefFallback: 'The language model did not answer ({reason}); extractive brief below',
  briefPosts: 'posts', briefLoading: 'Writing the brief…',
};

let current: Lang = ((): Lang => {
  try { return localStorage.getItem(STORE) === 'en' ? 'en' : 'zh'; } catch { return 'zh'; }
})();

export function lang(): Lang { return current; }

export function setLang(l: Lang): void {
  current = l;
  try { localStorage.setItem(STORE, l); } catch { /* private mode: session only */ }
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
}

export function t(key: string): string {
  return (current === 'zh' ? ZH : EN)[key] ?? key;
}
