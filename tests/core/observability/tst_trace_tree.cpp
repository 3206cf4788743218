// Traces: the requests of an agent run nested by span ids, attempts as child spans, and whatever
// clients get wrong (missing parents, reused ids, cycles) still drawn once each.
#include "observability/trace_tree.h"

#include <QTest>

using namespace gatehouse;

namespace {

const qint64 kT0 = 1764000000000;

RequestRecord req(const char* id, const char* span, const char* parent, qint64 offsetMs, double totalMs)
{
    RequestRecord r;
    r.requestId = QString::fromLatin1(id);
    r.traceId = QStringLiteral("run-1");
    r.spanId = QString::fromLatin1(span);
    r.parentSpanId = QString::fromLatin1(parent);
    r.receivedAt = QDateTime::fromMSecsSinceEpoch(kT0 + offsetMs, Qt::UTC);
    r.totalMs = totalMs;
    r.method = QStringLiteral("POST");
    r.path = QStringLiteral("/v1/chat/completions");
    r.status = 200;
    return r;
}

QStringList names(const TraceTree& t)
{
    QStringList out;
    for (int i : t.preorder())
        out << QString(t.spans[std::size_t(i)].depth, QLatin1Char('.')) + t.spans[std::size_t(i)].spanId;
    return out;
}

} // namespace

class TestTraceTree : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void agentRunNestsBySpanIds();
    void attemptsAreChildSpans();
    void missingParentsReusedIdsAndCycles();
    void empty();
};

void TestTraceTree::agentRunNestsBySpanIds()
{
    // given out of order, as a page of the log would
    std::vector<RequestRecord> records = {
        req("r3", "tool-llm", "agent", 300, 50),
        req("r1", "agent", "", 0, 1000),
        req("r2", "plan", "agent", 10, 200),
        req("r4", "", "", 1200, 10),   // no span id: its own root, named by its request id
    };
    records[1].spanName = QStringLiteral("agent run");
    const TraceTree t = buildTraceTree(records);
    QCOMPARE(t.traceId, QStringLiteral("run-1"));
    QCOMPARE(t.startedAtMs, kT0);
    QCOMPARE(t.durationMs, 1210.0);
    QCOMPARE(names(t), QStringList({QStringLiteral("agent"), QStringLiteral(".plan"), QStringLiteral(".tool-llm"), QStringLiteral("r4")}));
    const TraceSpan& agent = t.spans[1];
    QCOMPARE(agent.name, QStringLiteral("agent run"));
    QCOMPARE(t.spans[0].name, QStringLiteral("POST /v1/chat/completions"));
    QCOMPARE(t.spans[0].startMs, 300.0);
    QCOMPARE(t.spans[0].parentSpanId, QStringLiteral("agent"));
}

void TestTraceTree::attemptsAreChildSpans()
{
    RequestRecord r = req("r1", "call", "", 0, 900);
    r.upstreamStartMs = 2;
    r.attemptLog = {{QStringLiteral("config.targets[0]"), 2, QStringLiteral("openai"), 503, 100, QStringLiteral("Service Unavailable")},
                    {QStringLiteral("config.targets[1]"), 600, QStringLiteral("anthropic"), 200, 290, QString()}};
    RequestRecord old = req("r0", "older", "", 1000, 50);   // records written before attempts had a start
    old.upstreamStartMs = 1;
    old.attemptLog = {{QStringLiteral("a"), -1, QStringLiteral("openai"), 500, 10, QString()},
                      {QStringLiteral("b"), -1, QStringLiteral("openai"), 200, 20, QString()}};
    const TraceTree t = buildTraceTree({r, old});
    QCOMPARE(names(t), QStringList({QStringLiteral("call"), QStringLiteral(".call/attempt-1"), QStringLiteral(".call/attempt-2"),
                                    QStringLiteral("older"), QStringLiteral(".older/attempt-1"), QStringLiteral(".older/attempt-2")}));
    const TraceSpan& second = t.spans[3];
    QCOMPARE(second.kind, TraceSpan::Kind::Attempt);
    QCOMPARE(second.provider, QStringLiteral("anthropic"));
    QCOMPARE(second.startMs, 600.0);
    QCOMPARE(second.durationMs, 290.0);
    QCOMPARE(t.spans[2].error, QStringLiteral("Service Unavailable"));
    QCOMPARE(t.spans[4].startMs, 1001.0);   // sequential from the upstream start
    QCOMPARE(t.spans[5].startMs, 1011.0);
}

void TestTraceTree::missingParentsReusedIdsAndCycles()
{
    const TraceTree t = buildTraceTree({
        req("r1", "a", "b", 0, 10),        // a -> b -> a: a cycle
        req("r2", "b", "a", 5, 10),
        req("r3", "c", "elsewhere", 7, 10), // parent in another service: a root
        req("r4", "c", "", 9, 10),          // reused id
    });
    QCOMPARE(int(t.spans.size()), 4);
    QCOMPARE(int(t.preorder().size()), 4);   // each span drawn once
    QCOMPARE(names(t), QStringList({QStringLiteral("b"), QStringLiteral(".a"), QStringLiteral("c"), QStringLiteral("c#r4")}));
}

void TestTraceTree::empty()
{
    const TraceTree t = buildTraceTree({});
    QVERIFY(t.spans.empty());
    QVERIFY(t.preorder().empty());
}

QTEST_GUILESS_MAIN(TestTraceTree)
#include "tst_trace_tree.moc"
