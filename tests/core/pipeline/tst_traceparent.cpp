// W3C traceparent: accepted shapes join the request to the caller's trace; anything else is ignored.
#include "pipeline/traceparent.h"

#include <QTest>

using namespace gatehouse;

class TestTraceparent : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void wellFormed();
    void laterVersionWithExtraFields();
    void malformedIsIgnored_data();
    void malformedIsIgnored();
};

void TestTraceparent::wellFormed()
{
    const auto tp = parseTraceparent(" 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ");
    QVERIFY(tp);
    QCOMPARE(tp->traceId, QByteArray("4bf92f3577b34da6a3ce929d0e0e4736"));
    QCOMPARE(tp->parentId, QByteArray("00f067aa0ba902b7"));
    QCOMPARE(tp->header, QByteArray("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
}

void TestTraceparent::laterVersionWithExtraFields()
{
    const auto tp = parseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes-next");
    QVERIFY(tp);
    QCOMPARE(tp->traceId, QByteArray("4bf92f3577b34da6a3ce929d0e0e4736"));
}

void TestTraceparent::malformedIsIgnored_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("upper-case hex") << QByteArray("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01");
    QTest::newRow("zero trace id") << QByteArray("00-00000000000000000000000000000000-00f067aa0ba902b7-01");
    QTest::newRow("zero parent id") << QByteArray("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01");
    QTest::newRow("version ff") << QByteArray("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    QTest::newRow("version 00 with extra") << QByteArray("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x");
    QTest::newRow("short trace id") << QByteArray("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01");
    QTest::newRow("not hex") << QByteArray("00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01");
    QTest::newRow("wrong separators") << QByteArray("00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01");
}

void TestTraceparent::malformedIsIgnored()
{
    QFETCH(QByteArray, value);
    QVERIFY(!parseTraceparent(value));
}

QTEST_GUILESS_MAIN(TestTraceparent)
#include "tst_traceparent.moc"
