<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Ago</name>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="118"/>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="120"/>
        <source>%1 s ago</source>
        <translation>%1 秒前</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="122"/>
        <source>%1 min ago</source>
        <translation>%1 分钟前</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="125"/>
        <source>%1 h %2 min ago</source>
        <translation>%1 小时 %2 分钟前</translation>
    </message>
</context>
<context>
    <name>AnswerDialog</name>
    <message>
        <location filename="../../ui/station/window.py" line="208"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="209"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="211"/>
        <source>Required: why, in a few words</source>
        <translation>必填：简述原因</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="212"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>CentreBoard</name>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="51"/>
        <source>Incident</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="52"/>
        <source>Integrity</source>
        <translation>完整性</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="53"/>
        <source>SITREP</source>
        <translation>态势报告</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="54"/>
        <source>Authority left</source>
        <translation>授权剩余</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="55"/>
        <source>Link · last heard</source>
        <translation>链路 · 最近联络</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="56"/>
        <source>Worst zone</source>
        <translation>最高风险区域</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="57"/>
        <source>Open</source>
        <translation>未结</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="58"/>
        <source>Late</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="59"/>
        <source>Declined</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="60"/>
        <source>Escalations</source>
        <translation>升级告警</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="61"/>
        <source>Witnessed</source>
        <translation>已见证</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="62"/>
        <source>Commander (key)</source>
        <translation>指挥员（密钥）</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="63"/>
        <source>Scope</source>
        <translation>授权范围</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="66"/>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="67"/>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="68"/>
        <source>silent</source>
        <translation>无音讯</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="69"/>
        <source>revoked</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="70"/>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="71"/>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="72"/>
        <source>ALARM: %1</source>
        <translation>告警：%1</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="73"/>
        <source>overdue by %1</source>
        <translation>已逾期 %1</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="74"/>
        <source>due in %1</source>
        <translation>%1 后到期</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="75"/>
        <source>answered %1</source>
        <translation>%1 已回复</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="76"/>
        <source>#%1 · %2 · %3 cosigned</source>
        <translation>#%1 · %2 · %3 方联署</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="77"/>
        <source>cosigned by %1</source>
        <translation>联署方：%1</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="78"/>
        <source>%1 stations · %2 kinds · %3 zones</source>
        <translation>%1 个站点 · %2 类指令 · %3 个区域</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="82"/>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="83"/>
        <source>%1 s ago</source>
        <translation>%1 秒前</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="84"/>
        <source>%1 min ago</source>
        <translation>%1 分钟前</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="85"/>
        <source>%1 h %2 min ago</source>
        <translation>%1 小时 %2 分钟前</translation>
    </message>
</context>
<context>
    <name>CentreDialogs</name>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="286"/>
        <source>&amp;Commander:</source>
        <translation>指挥员(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="287"/>
        <location filename="../../ui/centre/dialogs.py" line="413"/>
        <source>Public &amp;key file:</source>
        <translation>公钥文件(&amp;K)：</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="289"/>
        <source>Stations · order kinds · zones:</source>
        <translation>站点 · 指令类型 · 区域：</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="291"/>
        <location filename="../../ui/centre/dialogs.py" line="354"/>
        <source>&amp;Valid until:</source>
        <translation>有效期至(&amp;V)：</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="292"/>
        <location filename="../../ui/centre/dialogs.py" line="355"/>
        <location filename="../../ui/centre/dialogs.py" line="414"/>
        <location filename="../../ui/centre/dialogs.py" line="457"/>
        <source>&amp;Note:</source>
        <translation>备注(&amp;N)：</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="384"/>
        <source>&amp;Reason:</source>
        <translation>原因(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="412"/>
        <source>&amp;Successor:</source>
        <translation>接任者(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="456"/>
        <source>&amp;Due in (minutes):</source>
        <translation>期限（分钟）(&amp;D)：</translation>
    </message>
</context>
<context>
    <name>CentreTimeline</name>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="417"/>
        <source>order</source>
        <translation>指令</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="418"/>
        <source>decision</source>
        <translation>决策</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="419"/>
        <source>escalation</source>
        <translation>升级告警</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="420"/>
        <source>zone level</source>
        <translation>区域等级</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="421"/>
        <source>authority</source>
        <translation>授权</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="422"/>
        <source>SITREP</source>
        <translation>态势报告</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="423"/>
        <source>link</source>
        <translation>链路</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="424"/>
        <source>integrity</source>
        <translation>完整性</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="429"/>
        <source>issued: %1 → %2 (%3)</source>
        <translation>已下达：%1 → %2（%3）</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="430"/>
        <source>declined</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="431"/>
        <source>rejected</source>
        <translation>被站点拒收</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="432"/>
        <source>completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="433"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="434"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="435"/>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="436"/>
        <source>declined: %1</source>
        <translation>已拒绝：%1</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="437"/>
        <source>rejected: %1</source>
        <translation>被站点拒收：%1</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="438"/>
        <source>completed: %1</source>
        <translation>已完成：%1</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="439"/>
        <source>failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="440"/>
        <source>cancelled: %1</source>
        <translation>已取消：%1</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="441"/>
        <source>expired: %1</source>
        <translation>已过期：%1</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="442"/>
        <source>corrects %1: %2</source>
        <translation>更正 %1：%2</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="443"/>
        <source>green</source>
        <translation>绿</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="444"/>
        <source>blue</source>
        <translation>蓝</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="445"/>
        <source>yellow</source>
        <translation>黄</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="446"/>
        <source>orange</source>
        <translation>橙</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="447"/>
        <source>red</source>
        <translation>红</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="448"/>
        <source>grant to %1</source>
        <translation>授权给 %1</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="449"/>
        <source>handed over to %1</source>
        <translation>移交给 %1</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="450"/>
        <source>revoked: %1</source>
        <translation>已撤销：%1</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="451"/>
        <source>sent by %1</source>
        <translation>%1 已报送</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="452"/>
        <source>sent by %1: %2</source>
        <translation>%1 已报送：%2</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="453"/>
        <source>requested</source>
        <translation>已索取</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="454"/>
        <source>up</source>
        <translation>已连接</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="455"/>
        <source>down</source>
        <translation>已断开</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="456"/>
        <source>%1 refused: %2</source>
        <translation>%1 拒绝见证：%2</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="457"/>
        <source>witnesses disagree at seq %1: %2</source>
        <translation>见证方在序号 %1 处不一致：%2</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="458"/>
        <source>mirrored seq %1 differs from the witnessed head</source>
        <translation>镜像序号 %1 与已见证的链头不符</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="475"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="481"/>
        <source>What</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="488"/>
        <source>Subject</source>
        <translation>对象</translation>
    </message>
    <message>
        <location filename="../../ui/centre/qtmodels.py" line="493"/>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
</context>
<context>
    <name>CentreWindow</name>
    <message>
        <location filename="../../ui/centre/window.py" line="328"/>
        <source>Baton — operations centre</source>
        <translation>Baton — 指挥中心</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="329"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="330"/>
        <source>&amp;Authority</source>
        <translation>授权(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="331"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="332"/>
        <source>&amp;Find incident</source>
        <translation>查找事件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="335"/>
        <source>&amp;Issue grant…</source>
        <translation>授予指挥权(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="336"/>
        <source>&amp;Narrow…</source>
        <translation>收窄(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="337"/>
        <source>&amp;Extend…</source>
        <translation>延长(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="338"/>
        <source>&amp;Revoke…</source>
        <translation>撤销(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="339"/>
        <source>&amp;Hand over…</source>
        <translation>移交(&amp;H)…</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="340"/>
        <source>Request &amp;SITREP…</source>
        <translation>索取态势报告(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="345"/>
        <source>Filter incidents (Ctrl+F)</source>
        <translation>筛选事件（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="347"/>
        <source>Orders</source>
        <translation>指令</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="347"/>
        <source>Decisions</source>
        <translation>决策</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="347"/>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="347"/>
        <source>SITREPs</source>
        <translation>态势报告</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="450"/>
        <source>Select an incident on the board</source>
        <translation>请在事件看板上选择一个事件</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="475"/>
        <source>Commander %1 · grant %2 · scope %3 · authority left %4</source>
        <translation>指挥员 %1 · 授权 %2 · 范围 %3 · 授权剩余 %4</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="482"/>
        <source>No grant known for this incident yet</source>
        <translation>尚无此事件的授权记录</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="485"/>
        <source>INTEGRITY ALARM: %1</source>
        <translation>完整性告警：%1</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="497"/>
        <source>stations %1</source>
        <translation>站点 %1</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="498"/>
        <source>kinds %1</source>
        <translation>指令类型 %1</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="499"/>
        <source>zones %1</source>
        <translation>区域 %1</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="511"/>
        <source>No SITREP requested yet.</source>
        <translation>尚未索取态势报告。</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="516"/>
        <source>%1 · asked %2 by %3 · due %4 · %5</source>
        <translation>%1 · %2 由 %3 索取 · 期限 %4 · %5</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="524"/>
        <source>Asked: %1</source>
        <translation>要求：%1</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="528"/>
        <source>Answer by %1: %2</source>
        <translation>%1 回复：%2</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="557"/>
        <source>Operations centre %1</source>
        <translation>指挥中心 %1</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="559"/>
        <source>Operations centre</source>
        <translation>指挥中心</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="562"/>
        <source>%1 incidents · %2 integrity alarms · %3 SITREPs overdue</source>
        <translation>%1 个事件 · %2 个完整性告警 · %3 份态势报告逾期</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="647"/>
        <source>Revoke %1&apos;s authority over %2 now? Its stations will refuse every later order.</source>
        <translation>立即撤销 %1 对 %2 的指挥权？其站点将拒绝此后的所有指令。</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="652"/>
        <source>Revoke the grant?</source>
        <translation>撤销授权？</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="686"/>
        <source>no engine: the window is read-only</source>
        <translation>未连接引擎：窗口为只读</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="711"/>
        <source>Done: %1 %2</source>
        <translation>已完成：%1 %2</translation>
    </message>
    <message>
        <location filename="../../ui/centre/window.py" line="720"/>
        <source>Could not %1: %2</source>
        <translation>无法执行 %1：%2</translation>
    </message>
</context>
<context>
    <name>Clock</name>
    <message>
        <location filename="../../ui/console/clock.py" line="59"/>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <location filename="../../ui/console/clock.py" line="61"/>
        <source>%1 s ago</source>
        <translation>%1 秒前</translation>
    </message>
    <message>
        <location filename="../../ui/console/clock.py" line="63"/>
        <source>%1 min ago</source>
        <translation>%1 分钟前</translation>
    </message>
    <message>
        <location filename="../../ui/console/clock.py" line="67"/>
        <source>%1 h ago</source>
        <translation>%1 小时前</translation>
    </message>
    <message>
        <location filename="../../ui/console/clock.py" line="69"/>
        <source>%1 h %2 min ago</source>
        <translation>%1 小时 %2 分钟前</translation>
    </message>
    <message>
        <location filename="../../ui/console/clock.py" line="73"/>
        <source>%1 d ago</source>
        <translation>%1 天前</translation>
    </message>
</context>
<context>
    <name>ConsoleColumns</name>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="266"/>
        <source>Order</source>
        <translation>指令</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="270"/>
        <location filename="../../ui/console/qtmodels.py" line="385"/>
        <source>Station</source>
        <translation>站点</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="272"/>
        <location filename="../../ui/console/qtmodels.py" line="661"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="276"/>
        <source>Zone</source>
        <translation>区域</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="278"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="283"/>
        <source>Issued</source>
        <translation>下达</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="288"/>
        <location filename="../../ui/console/qtmodels.py" line="570"/>
        <source>Age</source>
        <translation>已过</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="294"/>
        <source>Overdue</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="300"/>
        <source>Last report</source>
        <translation>最近回报</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="370"/>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="371"/>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="373"/>
        <source>The station&apos;s last journaled message (heartbeats are not journaled, so a replay cannot tell when the station was last heard)</source>
        <translation>该站最后一条记入日志的消息（心跳不记入日志，因此回放无法得知该站最后一次联络的时间）</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="388"/>
        <source>Link</source>
        <translation>连接</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="390"/>
        <source>Last contact (journal)</source>
        <translation>最近联络（日志）</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="392"/>
        <source>Last heard</source>
        <translation>最近联络</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="401"/>
        <source>Open</source>
        <translation>未完成</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="407"/>
        <source>Late</source>
        <translation>逾期</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="413"/>
        <source>Attention</source>
        <translation>待处理</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="418"/>
        <source>Needs attention: the station&apos;s late, expired, declined or rejected orders not acknowledged yet</source>
        <translation>待处理：该站点逾期、过期、被拒绝或被拒收且尚未确认的指令</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="466"/>
        <location filename="../../ui/console/qtmodels.py" line="555"/>
        <location filename="../../ui/console/qtmodels.py" line="656"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="471"/>
        <source>Decision</source>
        <translation>决策</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="475"/>
        <source>Rationale</source>
        <translation>理由</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="479"/>
        <source>Author</source>
        <translation>记录人</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="483"/>
        <source>Correction</source>
        <translation>更正</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="560"/>
        <source>Playbook</source>
        <translation>预案</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="564"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="567"/>
        <source>Orders</source>
        <translation>指令</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="568"/>
        <location filename="../../ui/console/qtmodels.py" line="663"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="616"/>
        <source>received</source>
        <translation>收到</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="617"/>
        <source>issued</source>
        <translation>已发布</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="627"/>
        <source>cancelled</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="629"/>
        <source>updated</source>
        <translation>已更新</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="660"/>
        <source>Direction</source>
        <translation>收/发</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="662"/>
        <source>Headline</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="664"/>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="665"/>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="666"/>
        <source>Expires</source>
        <translation>失效时间</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="667"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
</context>
<context>
    <name>ConsoleController</name>
    <message>
        <location filename="../../ui/console/controller.py" line="233"/>
        <source>Could not %1: %2</source>
        <translation>无法%1：%2</translation>
    </message>
</context>
<context>
    <name>ConsoleWindow</name>
    <message>
        <location filename="../../ui/console/window.py" line="384"/>
        <source>Baton — command console</source>
        <translation>Baton — 现场指挥台</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="386"/>
        <source>Stations</source>
        <translation>站点</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="387"/>
        <source>Orders</source>
        <translation>指令</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="388"/>
        <source>Suggestions</source>
        <translation>建议</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="389"/>
        <source>Decision log</source>
        <translation>决策日志</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="390"/>
        <source>Live metrics</source>
        <translation>实时指标</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="391"/>
        <source>Alert board</source>
        <translation>预警信息板</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="395"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="396"/>
        <source>&amp;Command</source>
        <translation>指挥(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="398"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="399"/>
        <source>&amp;Keyboard shortcuts…</source>
        <translation>快捷键(&amp;K)…</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="400"/>
        <source>Next panel</source>
        <translation>下一个面板</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="401"/>
        <source>Previous panel</source>
        <translation>上一个面板</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="409"/>
        <source>Answer &amp;SITREP…</source>
        <translation>报送态势报告(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="569"/>
        <source>Select one of your own issued alerts on the alert board first.</source>
        <translation>请先在预警信息板上选择一条本指挥台发布的预警。</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="673"/>
        <source>This suggestion was made %1. The picture may have changed. Approve it?</source>
        <translation>该建议生成于%1，态势可能已发生变化。仍要批准吗？</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="681"/>
        <source>Approve a stale suggestion?</source>
        <translation>批准过时的建议？</translation>
    </message>
    <message>
        <location filename="../../ui/viewmenu.py" line="91"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/viewmenu.py" line="92"/>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/viewmenu.py" line="93"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/viewmenu.py" line="94"/>
        <source>&amp;Light</source>
        <translation>浅色(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/viewmenu.py" line="95"/>
        <source>&amp;Dark</source>
        <translation>深色(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="402"/>
        <source>New &amp;order…</source>
        <translation>新建指令(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="403"/>
        <source>New &amp;decision…</source>
        <translation>新建决策(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="404"/>
        <source>&amp;Approve selected suggestion</source>
        <translation>批准所选建议(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="405"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="406"/>
        <source>Ac&amp;knowledge (escalation or order)</source>
        <translation>确认（升级告警或指令）(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="407"/>
        <source>&amp;Public alert…</source>
        <translation>公众预警(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="408"/>
        <source>&amp;Update or cancel the selected alert…</source>
        <translation>更新或撤销所选预警(&amp;U)…</translation>
    </message>
    <message>
        <location filename="../../ui/console/window.py" line="411"/>
        <source>Focus zone %1</source>
        <translation>聚焦区域 %1</translation>
    </message>
</context>
<context>
    <name>DecisionDialog</name>
    <message>
        <location filename="../../ui/console/dialogs.py" line="101"/>
        <source>New decision</source>
        <translation>新建决策</translation>
    </message>
    <message>
        <location filename="../../ui/console/dialogs.py" line="103"/>
        <source>Correct decision</source>
        <translation>更正决策</translation>
    </message>
    <message>
        <location filename="../../ui/console/dialogs.py" line="105"/>
        <source>Entry corrected:</source>
        <translation>被更正条目：</translation>
    </message>
    <message>
        <location filename="../../ui/console/dialogs.py" line="106"/>
        <source>Reason for &amp;correction:</source>
        <translation>更正原因(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/dialogs.py" line="107"/>
        <source>&amp;Information:</source>
        <translation>信息(&amp;I)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/dialogs.py" line="108"/>
        <source>&amp;Risk assessment:</source>
        <translation>风险评估(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/dialogs.py" line="109"/>
        <source>&amp;Powers and policy:</source>
        <translation>权限与政策(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/dialogs.py" line="110"/>
        <source>O&amp;ptions:</source>
        <translation>备选方案(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/dialogs.py" line="111"/>
        <source>&amp;Decision:</source>
        <translation>决策(&amp;D)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/dialogs.py" line="112"/>
        <source>Ra&amp;tionale:</source>
        <translation>理由(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/dialogs.py" line="116"/>
        <source>What was decided</source>
        <translation>决定了什么</translation>
    </message>
    <message>
        <location filename="../../ui/console/dialogs.py" line="117"/>
        <source>Why, given what was known</source>
        <translation>依据当时掌握的信息，为何如此决定</translation>
    </message>
    <message>
        <location filename="../../ui/console/dialogs.py" line="118"/>
        <source>Why the earlier entry is corrected</source>
        <translation>为何更正先前的条目</translation>
    </message>
    <message>
        <location filename="../../ui/console/dialogs.py" line="129"/>
        <source>A correction needs a reason.</source>
        <translation>更正必须填写原因。</translation>
    </message>
    <message>
        <location filename="../../ui/console/dialogs.py" line="131"/>
        <source>Write the decision.</source>
        <translation>请填写决策。</translation>
    </message>
    <message>
        <location filename="../../ui/console/dialogs.py" line="133"/>
        <source>Write the rationale.</source>
        <translation>请填写理由。</translation>
    </message>
</context>
<context>
    <name>DecisionFields</name>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="509"/>
        <source>Information</source>
        <translation>信息</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="510"/>
        <source>Risk assessment</source>
        <translation>风险评估</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="511"/>
        <source>Powers and policy</source>
        <translation>权限与政策</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="512"/>
        <source>Options</source>
        <translation>备选方案</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="513"/>
        <source>Decision</source>
        <translation>决策</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="514"/>
        <source>Rationale</source>
        <translation>理由</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="526"/>
        <source>Struck through</source>
        <translation>已划除</translation>
    </message>
</context>
<context>
    <name>DecisionsPanel</name>
    <message>
        <location filename="../../ui/console/panels.py" line="856"/>
        <source>&amp;New entry…</source>
        <translation>新建条目(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="857"/>
        <source>New decision (Ctrl+D)</source>
        <translation>新建决策 (Ctrl+D)</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="858"/>
        <source>&amp;Correct…</source>
        <translation>更正(&amp;C)…</translation>
    </message>
</context>
<context>
    <name>Duration</name>
    <message>
        <location filename="../../ui/console/numbers.py" line="89"/>
        <source>%1s</source>
        <translation>%1秒</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="92"/>
        <source>%1m%2s</source>
        <translation>%1分%2秒</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="97"/>
        <source>%1h%2m</source>
        <translation>%1小时%2分</translation>
    </message>
</context>
<context>
    <name>EscalationBanner</name>
    <message>
        <location filename="../../ui/console/panels.py" line="420"/>
        <source>refused by station: %1</source>
        <translation>被站点拒收：%1</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="449"/>
        <source>Acknowledge (Ctrl+K)</source>
        <translation>确认 (Ctrl+K)</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/console/panels.py" line="452"/>
        <source>%n item(s) to acknowledge</source>
        <translation>
            <numerusform>%n 项待确认</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExtendDialog</name>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="361"/>
        <source>Extend the grant</source>
        <translation>延长授权</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="366"/>
        <source>Extending needs a later time than the current end.</source>
        <translation>延长须晚于当前截止时间。</translation>
    </message>
</context>
<context>
    <name>GrantDialog</name>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="300"/>
        <source>Narrow the grant</source>
        <translation>收窄授权</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="300"/>
        <source>Issue a grant</source>
        <translation>授予指挥权</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="302"/>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="303"/>
        <source>Who takes command on site</source>
        <translation>现场指挥员</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="312"/>
        <source>Name the commander.</source>
        <translation>请填写指挥员。</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="314"/>
        <source>Tick at least one station, one order kind and one zone.</source>
        <translation>请至少勾选一个站点、一种指令类型和一个区域。</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="316"/>
        <source>Valid until must be in the future.</source>
        <translation>有效期须晚于当前时间。</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="318"/>
        <source>Narrowing cannot end later than the current grant.</source>
        <translation>收窄后的截止时间不能晚于当前授权。</translation>
    </message>
</context>
<context>
    <name>HandoverDialog</name>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="420"/>
        <source>Hand over command</source>
        <translation>移交指挥权</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="421"/>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="426"/>
        <source>Name the successor.</source>
        <translation>请填写接任者。</translation>
    </message>
</context>
<context>
    <name>IncidentHeader</name>
    <message>
        <location filename="../../ui/console/panels.py" line="343"/>
        <source>No incident</source>
        <translation>无事件</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="347"/>
        <source>Delegation REVOKED by %1</source>
        <translation>授权已被 %1 撤销</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="350"/>
        <source>Delegated by %1 · scope %2 · %3 left</source>
        <translation>授权方 %1 · 范围：%2 · 剩余%3</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="275"/>
        <location filename="../../ui/console/panels.py" line="276"/>
        <location filename="../../ui/console/panels.py" line="351"/>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="281"/>
        <source>%1 stations · %2 order kinds · %3 zones</source>
        <translation>站点 %1 · 指令类型 %2 · 区域 %3</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="309"/>
        <source>Centre: connected · shipped #%1 of #%2</source>
        <translation>指挥中心：已连接 · 已上报至 #%1（共 #%2）</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="316"/>
        <source>Centre: offline · %1 events waiting</source>
        <translation>指挥中心：离线 · %1 条事件待上报</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="325"/>
        <source>SITREP requested by %1, due %2</source>
        <translation>%1 要求报送态势报告，截止 %2</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="331"/>
        <source>OVERDUE</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="357"/>
        <source>No delegation received</source>
        <translation>尚未收到授权</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="366"/>
        <source>Link: —</source>
        <translation>连接：—</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="369"/>
        <source>Link: online</source>
        <translation>连接：在线</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="372"/>
        <source>%1 waiting</source>
        <translation>%1 条待回复</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="375"/>
        <source>Link: OFFLINE</source>
        <translation>连接：离线</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="377"/>
        <source>Outbox: %1</source>
        <translation>待发：%1</translation>
    </message>
</context>
<context>
    <name>IntegrityBanner</name>
    <message>
        <location filename="../../ui/console/integrity.py" line="73"/>
        <source>Integrity: %1 refused checkpoint %2 of %4 — %3</source>
        <translation>完整性：%1 拒绝见证 %4 的检查点 %2 — %3</translation>
    </message>
    <message>
        <location filename="../../ui/console/integrity.py" line="75"/>
        <source>Integrity: station %1 refused checkpoint %2 — %3</source>
        <translation>完整性：站点 %1 拒绝见证检查点 %2 — %3</translation>
    </message>
    <message>
        <location filename="../../ui/console/integrity.py" line="77"/>
        <source>Integrity: witness %1 refused checkpoint %2 — %3</source>
        <translation>完整性：见证方 %1 拒绝见证检查点 %2 — %3</translation>
    </message>
    <message>
        <location filename="../../ui/console/integrity.py" line="89"/>
        <source>Integrity: journal not signed yet</source>
        <translation>完整性：日志尚未签名</translation>
    </message>
    <message>
        <location filename="../../ui/console/integrity.py" line="90"/>
        <source>Signed to #%1</source>
        <translation>已签名至 #%1</translation>
    </message>
    <message>
        <location filename="../../ui/console/integrity.py" line="95"/>
        <source>witnessed by %1/%2 stations to #%3</source>
        <translation>%1/%2 个站点已见证至 #%3</translation>
    </message>
    <message>
        <location filename="../../ui/console/integrity.py" line="100"/>
        <source>not witnessed yet</source>
        <translation>尚无见证</translation>
    </message>
    <message>
        <location filename="../../ui/console/integrity.py" line="105"/>
        <source>witnessed by %1 to #%2</source>
        <translation>%1 方已见证至 #%2</translation>
    </message>
    <message>
        <location filename="../../ui/console/integrity.py" line="113"/>
        <source>Signed to #%1 (%2 checkpoints) · unsigned tail %3 events</source>
        <translation>已签名至 #%1（%2 个检查点）· 未签名尾部 %3 条事件</translation>
    </message>
    <message>
        <location filename="../../ui/console/integrity.py" line="120"/>
        <source>%1 cosigned #%2 at %3</source>
        <translation>%1 于 %3 联署 #%2</translation>
    </message>
    <message>
        <location filename="../../ui/console/integrity.py" line="128"/>
        <source>acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../ui/console/integrity.py" line="137"/>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../ui/console/integrity.py" line="143"/>
        <source>(+%1 more)</source>
        <translation>（另有 %1 条）</translation>
    </message>
</context>
<context>
    <name>JournalFailedBanner</name>
    <message>
        <location filename="../../ui/console/panels.py" line="495"/>
        <source>JOURNAL FAILED — nothing more can be issued: %1</source>
        <translation>日志写入失败 — 无法再下达任何指令：%1</translation>
    </message>
</context>
<context>
    <name>KeyFileField</name>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="231"/>
        <source>Public key</source>
        <translation>公钥</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="231"/>
        <source>Public keys (*.sign.pub);;All files (*)</source>
        <translation>公钥 (*.sign.pub);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="240"/>
        <source>Choose the commander&apos;s public key file (NAME.sign.pub).</source>
        <translation>请选择指挥员的公钥文件（NAME.sign.pub）。</translation>
    </message>
</context>
<context>
    <name>Metric</name>
    <message>
        <location filename="../../ui/console/numbers.py" line="48"/>
        <source>Density</source>
        <translation>人群密度</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="49"/>
        <source>Crowd</source>
        <translation>人数</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="50"/>
        <source>Wind</source>
        <translation>风速</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="51"/>
        <source>Rain</source>
        <translation>降雨</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="52"/>
        <source>Rainfall</source>
        <translation>降雨量</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="53"/>
        <source>Water level</source>
        <translation>水位</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="54"/>
        <source>Riders waiting</source>
        <translation>候船人数</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="55"/>
        <source>Riders escorted</source>
        <translation>护送人数</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="56"/>
        <source>Ferry status</source>
        <translation>轮渡状态</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="57"/>
        <source>Lane state</source>
        <translation>车道状态</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="58"/>
        <source>Vehicle flow</source>
        <translation>车流量</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="59"/>
        <source>Buses available</source>
        <translation>可用巴士</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="60"/>
        <source>Buses loaded</source>
        <translation>已装载巴士</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="61"/>
        <source>Exit flow</source>
        <translation>离场人流</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="62"/>
        <source>Visitors</source>
        <translation>游客人数</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="63"/>
        <source>Testers</source>
        <translation>检测员</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="64"/>
        <source>Tests done</source>
        <translation>已完成检测</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="65"/>
        <source>Lighting level</source>
        <translation>灯光亮度</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="110"/>
        <source>Queue at lane %1</source>
        <translation>%1号通道排队</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="118"/>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
</context>
<context>
    <name>OrderComposer</name>
    <message>
        <location filename="../../ui/console/composer.py" line="262"/>
        <source>This station offers nothing the delegation allows.</source>
        <translation>该站点没有授权范围内可下达的指令。</translation>
    </message>
    <message>
        <location filename="../../ui/console/composer.py" line="371"/>
        <source>Choose a station and an order kind.</source>
        <translation>请选择站点和指令类型。</translation>
    </message>
    <message>
        <location filename="../../ui/console/composer.py" line="373"/>
        <source>The delegation does not allow this order.</source>
        <translation>授权范围不允许此指令。</translation>
    </message>
    <message>
        <location filename="../../ui/console/composer.py" line="379"/>
        <source>Choose a zone.</source>
        <translation>请选择区域。</translation>
    </message>
    <message>
        <location filename="../../ui/console/composer.py" line="381"/>
        <source>Write the rationale: every order is logged with why it was given.</source>
        <translation>请填写理由：每条指令都会连同下达理由记入日志。</translation>
    </message>
    <message>
        <location filename="../../ui/console/composer.py" line="416"/>
        <source>Edit a suggested order</source>
        <translation>修改建议中的指令</translation>
    </message>
    <message>
        <location filename="../../ui/console/composer.py" line="418"/>
        <source>New order</source>
        <translation>新建指令</translation>
    </message>
    <message>
        <location filename="../../ui/console/composer.py" line="422"/>
        <source>&amp;Station:</source>
        <translation>站点(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/composer.py" line="423"/>
        <source>&amp;Order:</source>
        <translation>指令(&amp;O)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/composer.py" line="424"/>
        <source>&amp;Zone:</source>
        <translation>区域(&amp;Z)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/composer.py" line="425"/>
        <source>&amp;Priority:</source>
        <translation>优先级(&amp;P)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/composer.py" line="426"/>
        <source>D&amp;ue in (min):</source>
        <translation>限时（分钟）(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/composer.py" line="427"/>
        <source>&amp;Text:</source>
        <translation>说明(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/composer.py" line="428"/>
        <source>&amp;Rationale:</source>
        <translation>理由(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/composer.py" line="436"/>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../../ui/console/composer.py" line="437"/>
        <source>Why this order, given what is known</source>
        <translation>依据当前信息，为何下达此指令</translation>
    </message>
</context>
<context>
    <name>OrderState</name>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="64"/>
        <source>draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="65"/>
        <source>issued</source>
        <translation>已下达</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="66"/>
        <source>delivered</source>
        <translation>已送达</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="67"/>
        <source>acknowledged</source>
        <translation>已查阅</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="68"/>
        <source>accepted</source>
        <translation>已接受</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="69"/>
        <source>declined</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="70"/>
        <source>rejected</source>
        <translation>被站点拒收</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="71"/>
        <source>in progress</source>
        <translation>执行中</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="72"/>
        <source>completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="73"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="74"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="75"/>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="132"/>
        <source>refused by station: %1</source>
        <translation>被站点拒收：%1</translation>
    </message>
</context>
<context>
    <name>OrdersPanel</name>
    <message>
        <location filename="../../ui/console/panels.py" line="641"/>
        <source>Filter orders: station, kind, zone, state…</source>
        <translation>筛选指令：站点、类型、区域、状态…</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="642"/>
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="645"/>
        <source>Open only</source>
        <translation>仅未完成</translation>
    </message>
</context>
<context>
    <name>Priority</name>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="84"/>
        <source>routine</source>
        <translation>常规</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="85"/>
        <source>urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="86"/>
        <source>immediate</source>
        <translation>立即</translation>
    </message>
</context>
<context>
    <name>PublicAlertDialog</name>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="174"/>
        <source>Public alert</source>
        <translation>公众预警</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="177"/>
        <source>Update or cancel public alert %1</source>
        <translation>更新或撤销公众预警 %1</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="182"/>
        <source>Message &amp;type:</source>
        <translation>消息类型(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="183"/>
        <source>&amp;Status:</source>
        <translation>状态(&amp;S)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="184"/>
        <source>&amp;Area (zones):</source>
        <translation>区域(&amp;A)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="185"/>
        <source>&amp;Event:</source>
        <translation>事件(&amp;E)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="186"/>
        <source>&amp;Headline:</source>
        <translation>标题(&amp;H)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="187"/>
        <source>&amp;Description:</source>
        <translation>详细描述(&amp;D)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="188"/>
        <source>&amp;Instruction:</source>
        <translation>公众指引(&amp;I)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="189"/>
        <source>Cate&amp;gory:</source>
        <translation>类别(&amp;G)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="190"/>
        <source>&amp;Urgency:</source>
        <translation>紧急程度(&amp;U)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="191"/>
        <source>Se&amp;verity:</source>
        <translation>严重程度(&amp;V)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="192"/>
        <source>&amp;Certainty:</source>
        <translation>确定程度(&amp;C)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="193"/>
        <source>&amp;Response:</source>
        <translation>应对措施(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="194"/>
        <source>&amp;Web:</source>
        <translation>网址(&amp;W)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="195"/>
        <source>C&amp;ontact:</source>
        <translation>联系方式(&amp;O)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="196"/>
        <source>E&amp;xpires in (minutes):</source>
        <translation>有效时长（分钟）(&amp;X)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="197"/>
        <source>Ra&amp;tionale:</source>
        <translation>理由(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="201"/>
        <source>Chinese version (optional)</source>
        <translation>中文版本（可选）</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="205"/>
        <source>Event:</source>
        <translation>事件：</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="206"/>
        <source>Headline:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="207"/>
        <source>Description:</source>
        <translation>详细描述：</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="208"/>
        <source>Instruction:</source>
        <translation>公众指引：</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="213"/>
        <source>What the public must know, in one line</source>
        <translation>一句话说明公众必须知道的信息</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="214"/>
        <source>Why the public is alerted (decision log)</source>
        <translation>发布公众预警的理由（记入决策日志）</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="234"/>
        <source>Pick at least one zone for the area.</source>
        <translation>请至少选择一个区域。</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="236"/>
        <source>Name the event.</source>
        <translation>请填写事件名称。</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="238"/>
        <source>Write the headline.</source>
        <translation>请填写标题。</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="241"/>
        <source>The Chinese version needs both a headline and a description.</source>
        <translation>中文版本须同时填写标题和详细描述。</translation>
    </message>
    <message>
        <location filename="../../ui/console/alert_composer.py" line="243"/>
        <source>Write the rationale.</source>
        <translation>请填写理由。</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <location filename="../../ui/console/dialogs.py" line="188"/>
        <source>Dismiss suggestion</source>
        <translation>驳回建议</translation>
    </message>
    <message>
        <location filename="../../ui/console/dialogs.py" line="189"/>
        <source>&amp;Reason:</source>
        <translation>原因(&amp;R)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/dialogs.py" line="200"/>
        <source>Give a reason.</source>
        <translation>请填写原因。</translation>
    </message>
</context>
<context>
    <name>ReplayWindow</name>
    <message>
        <location filename="../../ui/review/window.py" line="214"/>
        <location filename="../../ui/review/window.py" line="719"/>
        <source>Escalations</source>
        <translation>升级告警</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="215"/>
        <location filename="../../ui/review/window.py" line="720"/>
        <source>Decision snapshot</source>
        <translation>决策快照</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="523"/>
        <source>open</source>
        <translation>未解除</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="551"/>
        <source>Select a decision to see the picture it stored.</source>
        <translation>选择一条决策，查看其保存的态势快照。</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="556"/>
        <source>“%1” at %2 by %3</source>
        <translation>“%1”，%2，%3</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="576"/>
        <source>not stored</source>
        <translation>未保存</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="599"/>
        <source>Integrity: checking…</source>
        <translation>完整性：校验中…</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="624"/>
        <source>checking…</source>
        <translation>校验中…</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="626"/>
        <source>intact</source>
        <translation>完好</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="629"/>
        <source>NOT intact — %1</source>
        <translation>已损坏 — %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/review/window.py" line="634"/>
        <source>%n witness refusal(s), newest: %1 refused #%2 (%3)</source>
        <translation>
            <numerusform>%n 次拒绝见证，最近一次：%1 拒绝 #%2（%3）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="639"/>
        <source>verify: %1</source>
        <translation>校验：%1</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="642"/>
        <source>Integrity: %1</source>
        <translation>完整性：%1</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="644"/>
        <source>overall: %1</source>
        <translation>全程：%1</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="645"/>
        <source>At %1: %2</source>
        <translation>%1 时：%2</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="685"/>
        <source>not signed</source>
        <translation>未签名</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="687"/>
        <source>signed to #%1 (%2 checkpoints) · unsigned tail %3</source>
        <translation>已签名至 #%1（%2 个检查点）· 未签名尾部 %3 条</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="693"/>
        <source>closed</source>
        <translation>已封存</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="657"/>
        <location filename="../../ui/review/window.py" line="707"/>
        <source>witnessed: %1</source>
        <translation>已见证：%1</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="701"/>
        <source>witnessed by %1 to #%2</source>
        <translation>%1 方已见证至 #%2</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="707"/>
        <source>not witnessed</source>
        <translation>无见证</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="718"/>
        <source>Baton — replay of %1</source>
        <translation>Baton — 回放：%1</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="721"/>
        <source>Key metrics</source>
        <translation>关键指标</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="722"/>
        <source>Timeline</source>
        <translation>时间轴</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="723"/>
        <source>Integrity</source>
        <translation>完整性</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="724"/>
        <source>Play / pause</source>
        <translation>播放 / 暂停</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="727"/>
        <source>Raised</source>
        <translation>发出</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="728"/>
        <source>Station</source>
        <translation>站点</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="729"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="730"/>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="731"/>
        <source>Resolved</source>
        <translation>解除</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="736"/>
        <source>Zone</source>
        <translation>区域</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="737"/>
        <source>Seen</source>
        <translation>当时所见</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="738"/>
        <source>Replay</source>
        <translation>回放</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="739"/>
        <source>Indicators seen</source>
        <translation>当时指标</translation>
    </message>
    <message>
        <location filename="../../ui/review/window.py" line="740"/>
        <source>Values in replay</source>
        <translation>回放数值</translation>
    </message>
</context>
<context>
    <name>RevokeDialog</name>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="390"/>
        <source>Revoke the grant</source>
        <translation>撤销授权</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="391"/>
        <source>Required: why, in a few words</source>
        <translation>必填：简述原因</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="395"/>
        <source>Give a reason.</source>
        <translation>请填写原因。</translation>
    </message>
</context>
<context>
    <name>RiskLevel</name>
    <message>
        <location filename="../../ui/console/mapview.py" line="91"/>
        <source>not rated</source>
        <translation>未评级</translation>
    </message>
    <message>
        <location filename="../../ui/console/mapview.py" line="84"/>
        <source>green</source>
        <translation>绿</translation>
    </message>
    <message>
        <location filename="../../ui/console/mapview.py" line="85"/>
        <source>blue</source>
        <translation>蓝</translation>
    </message>
    <message>
        <location filename="../../ui/console/mapview.py" line="86"/>
        <source>yellow</source>
        <translation>黄</translation>
    </message>
    <message>
        <location filename="../../ui/console/mapview.py" line="87"/>
        <source>orange</source>
        <translation>橙</translation>
    </message>
    <message>
        <location filename="../../ui/console/mapview.py" line="88"/>
        <source>red</source>
        <translation>红</translation>
    </message>
    <message>
        <location filename="../../ui/console/mapview.py" line="90"/>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <location filename="../../ui/console/mapview.py" line="92"/>
        <source>stale</source>
        <translation>数据中断</translation>
    </message>
</context>
<context>
    <name>Shortcuts</name>
    <message>
        <location filename="../../ui/console/shortcuts.py" line="37"/>
        <source>New order</source>
        <translation>新建指令</translation>
    </message>
    <message>
        <location filename="../../ui/console/shortcuts.py" line="38"/>
        <source>New decision</source>
        <translation>新建决策</translation>
    </message>
    <message>
        <location filename="../../ui/console/shortcuts.py" line="42"/>
        <source>Approve the selected suggestion</source>
        <translation>批准所选建议</translation>
    </message>
    <message>
        <location filename="../../ui/console/shortcuts.py" line="47"/>
        <source>Compose a public alert (CAP)</source>
        <translation>编写公众预警（CAP）</translation>
    </message>
    <message>
        <location filename="../../ui/console/shortcuts.py" line="52"/>
        <source>Acknowledge the escalation or selected order</source>
        <translation>确认升级告警或所选指令</translation>
    </message>
    <message>
        <location filename="../../ui/console/shortcuts.py" line="57"/>
        <source>Send the order / save the decision (in a dialog)</source>
        <translation>下达指令 / 保存决策（在对话框中）</translation>
    </message>
    <message>
        <location filename="../../ui/console/shortcuts.py" line="62"/>
        <source>Next panel (orders, stations, suggestions, …)</source>
        <translation>下一个面板（指令、站点、建议…）</translation>
    </message>
    <message>
        <location filename="../../ui/console/shortcuts.py" line="67"/>
        <source>Previous panel</source>
        <translation>上一个面板</translation>
    </message>
    <message>
        <location filename="../../ui/console/shortcuts.py" line="72"/>
        <source>Focus zone 1 … 9 on the map</source>
        <translation>在地图上聚焦区域 1 … 9</translation>
    </message>
    <message>
        <location filename="../../ui/console/shortcuts.py" line="74"/>
        <source>Keyboard shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <location filename="../../ui/console/shortcuts.py" line="78"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../../ui/console/shortcuts.py" line="135"/>
        <source>Keyboard shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <location filename="../../ui/console/shortcuts.py" line="138"/>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <location filename="../../ui/console/shortcuts.py" line="138"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
</context>
<context>
    <name>SitrepDialog</name>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="463"/>
        <source>Request a SITREP</source>
        <translation>索取态势报告</translation>
    </message>
    <message>
        <location filename="../../ui/centre/dialogs.py" line="464"/>
        <source>What the centre needs to know</source>
        <translation>指挥中心需要了解的情况</translation>
    </message>
    <message>
        <location filename="../../ui/console/sitrep.py" line="78"/>
        <source>Answer SITREP</source>
        <translation>报送态势报告</translation>
    </message>
    <message>
        <location filename="../../ui/console/sitrep.py" line="80"/>
        <source>SITREP requested by %1, due %2</source>
        <translation>%1 要求报送态势报告，截止 %2</translation>
    </message>
    <message>
        <location filename="../../ui/console/sitrep.py" line="86"/>
        <source>This summary will be sent:</source>
        <translation>将报送以下摘要：</translation>
    </message>
    <message>
        <location filename="../../ui/console/sitrep.py" line="87"/>
        <source>&amp;Remarks:</source>
        <translation>备注(&amp;R)：</translation>
    </message>
</context>
<context>
    <name>StationColumns</name>
    <message>
        <location filename="../../ui/station/window.py" line="90"/>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="95"/>
        <source>Received</source>
        <translation>接收时间</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="99"/>
        <source>Order</source>
        <translation>指令</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="103"/>
        <source>Zone</source>
        <translation>区域</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="106"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="108"/>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="113"/>
        <source>Authority</source>
        <translation>授权</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="148"/>
        <source>overdue</source>
        <translation>已超时</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="159"/>
        <source>rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="161"/>
        <source>withdrawn (%1)</source>
        <translation>已撤回（%1）</translation>
    </message>
</context>
<context>
    <name>StationWindow</name>
    <message>
        <location filename="../../ui/station/window.py" line="386"/>
        <source>Baton station — %1</source>
        <translation>Baton 站点 — %1</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="393"/>
        <source>&amp;Accept</source>
        <translation>接受(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="394"/>
        <source>&amp;Decline…</source>
        <translation>拒绝(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="395"/>
        <source>&amp;Progress…</source>
        <translation>进展(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="396"/>
        <source>&amp;Complete</source>
        <translation>完成(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="397"/>
        <source>&amp;Fail…</source>
        <translation>失败(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="401"/>
        <source>Station journal</source>
        <translation>站点日志</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="450"/>
        <source>Order received: %1 (%2), authority verified</source>
        <translation>收到指令：%1（%2），授权已验证</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="458"/>
        <source>Order refused: %1</source>
        <translation>已拒收指令：%1</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="460"/>
        <source>Connected to the console</source>
        <translation>已连接指挥台</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="462"/>
        <source>Lost the console</source>
        <translation>与指挥台失去连接</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="464"/>
        <source>Delegation documents received: %1</source>
        <translation>已收到授权文件：%1</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="471"/>
        <source>%1: the console&apos;s withdrawal came after this station finished it</source>
        <translation>%1：指挥台撤回时本站点已完成该指令</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="537"/>
        <source>Decline order</source>
        <translation>拒绝指令</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="538"/>
        <source>Report failure</source>
        <translation>报告失败</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="539"/>
        <source>Report progress</source>
        <translation>报告进展</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="571"/>
        <source>connected to console</source>
        <translation>已连接指挥台</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="571"/>
        <source>console unreachable</source>
        <translation>无法连接指挥台</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="573"/>
        <source>reports waiting: %1</source>
        <translation>待发回报：%1</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="584"/>
        <source>No order selected</source>
        <translation>未选择指令</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="589"/>
        <source>Orders from the commander appear on the left, most urgent first. Select one to answer it.</source>
        <translation>指挥员的指令显示在左侧，最紧急的在前。选择一条进行答复。</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="606"/>
        <source>valid until %1 (%2 left)</source>
        <translation>有效至 %1（剩余 %2）</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="615"/>
        <source>Within the delegated scope: %1 in %2 (hover for the whole scope)</source>
        <translation>在授权范围内：%1，%2（悬停查看完整范围）</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="620"/>
        <source>Authority verified</source>
        <translation>授权已验证</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="626"/>
        <source>Rejected: not executed</source>
        <translation>已拒收：未执行</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="647"/>
        <source>Last report: %1</source>
        <translation>最新回报：%1</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="658"/>
        <source>From: %1 · State: %2</source>
        <translation>发令人：%1 · 状态：%2</translation>
    </message>
    <message>
        <location filename="../../ui/station/window.py" line="662"/>
        <source>Accept by: %1 · Due: %2</source>
        <translation>接受截止：%1 · 完成期限：%2</translation>
    </message>
</context>
<context>
    <name>SuggestionEditor</name>
    <message>
        <location filename="../../ui/console/suggestion_editor.py" line="158"/>
        <source>Keep at least one order, or dismiss the suggestion instead.</source>
        <translation>请至少保留一条指令，否则请驳回该建议。</translation>
    </message>
    <message>
        <location filename="../../ui/console/suggestion_editor.py" line="160"/>
        <source>Write why you changed the suggestion: the change is logged with it.</source>
        <translation>请写明修改建议的理由：修改连同理由一并记入日志。</translation>
    </message>
    <message>
        <location filename="../../ui/console/suggestion_editor.py" line="219"/>
        <source>left out</source>
        <translation>不下达</translation>
    </message>
    <message>
        <location filename="../../ui/console/suggestion_editor.py" line="221"/>
        <source>edited</source>
        <translation>已修改</translation>
    </message>
    <message>
        <location filename="../../ui/console/suggestion_editor.py" line="223"/>
        <source>as proposed</source>
        <translation>按建议</translation>
    </message>
    <message>
        <location filename="../../ui/console/suggestion_editor.py" line="230"/>
        <source>Edit suggestion</source>
        <translation>修改建议</translation>
    </message>
    <message>
        <location filename="../../ui/console/suggestion_editor.py" line="231"/>
        <source>Orders proposed (ticked: issued)</source>
        <translation>建议的指令（勾选：下达）</translation>
    </message>
    <message>
        <location filename="../../ui/console/suggestion_editor.py" line="233"/>
        <source>Edit…</source>
        <translation>修改…</translation>
    </message>
    <message>
        <location filename="../../ui/console/suggestion_editor.py" line="234"/>
        <source>Issue</source>
        <translation>下达</translation>
    </message>
    <message>
        <location filename="../../ui/console/suggestion_editor.py" line="235"/>
        <source>&amp;Why the changes:</source>
        <translation>修改理由(&amp;W)：</translation>
    </message>
    <message>
        <location filename="../../ui/console/suggestion_editor.py" line="236"/>
        <source>Needed when you change an order or leave one out</source>
        <translation>修改或不下达某条指令时必填</translation>
    </message>
</context>
<context>
    <name>SuggestionStatus</name>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="78"/>
        <source>proposed</source>
        <translation>待处理</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="79"/>
        <source>approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="80"/>
        <source>edited</source>
        <translation>已修改</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="81"/>
        <source>dismissed</source>
        <translation>已驳回</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="549"/>
        <source>Proposed</source>
        <translation>建议</translation>
    </message>
    <message>
        <location filename="../../ui/console/qtmodels.py" line="550"/>
        <source>Issued after the edit</source>
        <translation>修改后下达</translation>
    </message>
</context>
<context>
    <name>SuggestionsPanel</name>
    <message>
        <location filename="../../ui/console/panels.py" line="785"/>
        <source>&amp;Approve</source>
        <translation>批准(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="786"/>
        <source>Approve the selected suggestion (Ctrl+Enter)</source>
        <translation>批准所选建议 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="787"/>
        <source>&amp;Edit…</source>
        <translation>修改(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../ui/console/panels.py" line="788"/>
        <source>Dis&amp;miss…</source>
        <translation>驳回(&amp;M)…</translation>
    </message>
</context>
<context>
    <name>TimelineBar</name>
    <message>
        <location filename="../../ui/review/timeline.py" line="226"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../ui/review/timeline.py" line="226"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../ui/review/timeline.py" line="227"/>
        <source>Play or pause the replay (Space)</source>
        <translation>播放或暂停回放（空格键）</translation>
    </message>
    <message>
        <location filename="../../ui/review/timeline.py" line="228"/>
        <source>Replay speed: incident seconds per second</source>
        <translation>回放速度：每秒对应的事件秒数</translation>
    </message>
    <message>
        <location filename="../../ui/review/timeline.py" line="232"/>
        <source>Drag to any time. Ticks: orders (top row), decisions, escalations (bottom row)</source>
        <translation>拖动到任意时刻。刻度：指令（上行）、决策、升级告警（下行）</translation>
    </message>
</context>
<context>
    <name>Unit</name>
    <message>
        <location filename="../../ui/console/numbers.py" line="32"/>
        <source>riders</source>
        <translation>人</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="33"/>
        <source>persons</source>
        <translation>人</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="34"/>
        <source>people</source>
        <translation>人</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="35"/>
        <source>buses</source>
        <translation>辆</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="36"/>
        <source>persons/m²</source>
        <translation>人/m²</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="37"/>
        <source>persons/min</source>
        <translation>人/分钟</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="38"/>
        <source>testers</source>
        <translation>名检测员</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="39"/>
        <source>tests</source>
        <translation>次检测</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="40"/>
        <source>veh/h</source>
        <translation>辆/小时</translation>
    </message>
    <message>
        <location filename="../../ui/console/numbers.py" line="41"/>
        <source>min</source>
        <translation>分钟</translation>
    </message>
</context>
<context>
    <name>ZoneMap</name>
    <message>
        <location filename="../../ui/console/mapview.py" line="93"/>
        <source>N</source>
        <translation>北</translation>
    </message>
</context>
</TS>
