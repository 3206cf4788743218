// The line diff shown between two versions of a saved config.

#include "routing/line_diff.h"

#include <QTest>

using namespace gatehouse;

namespace {

QString render(const std::vector<DiffLine>& d)
{
    return formatUnified(d);
}

} // namespace

class TestLineDiff : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void identical();
    void changedLineInTheMiddle();
    void insertAndDeleteKeepLineNumbers();
    void fromAndToEmpty();
    void minimalForReorderedLines();
};

void TestLineDiff::identical()
{
    const auto d = lineDiff(QStringLiteral("a\nb\n"), QStringLiteral("a\nb\n"));
    QCOMPARE(render(d), QStringLiteral(" a\n b\n"));
}

void TestLineDiff::changedLineInTheMiddle()
{
    const auto d = lineDiff(QStringLiteral("{\n  \"weight\": 1,\n  \"provider\": \"openai\"\n}\n"),
                            QStringLiteral("{\n  \"weight\": 0.7,\n  \"provider\": \"openai\"\n}\n"));
    QCOMPARE(render(d), QStringLiteral(" {\n-  \"weight\": 1,\n+  \"weight\": 0.7,\n   \"provider\": \"openai\"\n }\n"));
}

void TestLineDiff::insertAndDeleteKeepLineNumbers()
{
    const auto d = lineDiff(QStringList{"a", "b", "c", "d"}, QStringList{"a", "x", "c", "d", "e"});
    QCOMPARE(render(d), QStringLiteral(" a\n-b\n+x\n c\n d\n+e\n"));
    QCOMPARE(d[1].oldLine, 2);
    QCOMPARE(d[1].newLine, 0);
    QCOMPARE(d[2].newLine, 2);
    QCOMPARE(d[3].oldLine, 3);
    QCOMPARE(d[3].newLine, 3);
    QCOMPARE(d[5].newLine, 5);
}

void TestLineDiff::fromAndToEmpty()
{
    QCOMPARE(render(lineDiff(QString(), QStringLiteral("x\ny"))), QStringLiteral("+x\n+y\n"));
    QCOMPARE(render(lineDiff(QStringLiteral("x\ny\n"), QString())), QStringLiteral("-x\n-y\n"));
    QVERIFY(lineDiff(QString(), QString()).empty());
}

void TestLineDiff::minimalForReorderedLines()
{
    // LCS keeps the longest common run: 3 of the 4 lines stay, one moves.
    const auto d = lineDiff(QStringList{"1", "2", "3", "4"}, QStringList{"2", "3", "4", "1"});
    int same = 0, changed = 0;
    for (const DiffLine& l : d)
        (l.kind == DiffLine::Kind::Same ? same : changed)++;
    QCOMPARE(same, 3);
    QCOMPARE(changed, 2);
}

QTEST_GUILESS_MAIN(TestLineDiff)
#include "tst_line_diff.moc"
