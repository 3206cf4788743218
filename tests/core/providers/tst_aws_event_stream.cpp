// AWS event-stream framing: CRC32, whole frames from arbitrary pieces, header types, and the errors
// that stop decoding (bad CRCs, impossible lengths).
#include "providers/aws_event_stream.h"

#include "aws_event_stream_frames.h"

#include <QTest>

using namespace gatehouse;
using gatehouse::test::bedrockEvent;
using gatehouse::test::eventStreamFrame;

class TestAwsEventStream : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void crc32KnownValues()
    {
        QCOMPARE(aws::crc32(QByteArrayView("")), quint32(0));
        QCOMPARE(aws::crc32(QByteArrayView("123456789")), quint32(0xCBF43926));   // the IEEE check value
        // Incremental use gives the same result.
        QCOMPARE(aws::crc32(QByteArrayView("6789"), aws::crc32(QByteArrayView("12345"))), quint32(0xCBF43926));
    }

    void awsReferenceFrame()
    {
        // An empty message from AWS's event-stream test vectors: total 16, no headers, no payload.
        const QByteArray frame = QByteArray::fromHex("000000100000000005c248eb7d98c8ff");
        aws::EventStreamDecoder d;
        const auto msgs = d.feed(frame);
        QVERIFY2(!d.failed(), qPrintable(d.error()));
        QCOMPARE(msgs.size(), std::size_t(1));
        QVERIFY(msgs[0].payload.isEmpty());
        QVERIFY(msgs[0].headers.empty());
    }

    void framesFromAnyPieces()
    {
        QByteArray stream;
        for (int i = 0; i < 5; ++i)
            stream += bedrockEvent("contentBlockDelta", QByteArray(R"({"contentBlockIndex":0,"delta":{"text":"part )") + QByteArray::number(i) + "\"}}");
        for (int piece : {1, 3, 7, 64, 1000}) {
            aws::EventStreamDecoder d;
            std::vector<aws::EventMessage> all;
            for (qsizetype i = 0; i < stream.size(); i += piece) {
                for (auto& m : d.feed(QByteArrayView(stream).sliced(i, std::min<qsizetype>(piece, stream.size() - i))))
                    all.push_back(std::move(m));
            }
            QVERIFY2(!d.failed(), qPrintable(d.error()));
            QCOMPARE(all.size(), std::size_t(5));
            QCOMPARE(all[3].header(":event-type"), std::string("contentBlockDelta"));
            QCOMPARE(all[3].header(":message-type"), std::string("event"));
            QVERIFY(all[3].payload.contains("part 3"));
            QVERIFY(!d.hasPartialFrame());
        }
    }

    void nonStringHeadersAreSkipped()
    {
        // bool, byte, int, timestamp, uuid headers before a string one.
        QByteArray h;
        h.append(char(2)).append("b1").append(char(0));
        h.append(char(2)).append("by").append(char(2)).append(char(9));
        h.append(char(2)).append("in").append(char(4)).append(QByteArray(4, '\1'));
        h.append(char(2)).append("ts").append(char(8)).append(QByteArray(8, '\2'));
        h.append(char(2)).append("id").append(char(9)).append(QByteArray(16, '\3'));
        h.append(char(11)).append(":event-type").append(char(7)).append(char(0)).append(char(11)).append("messageStop");
        QByteArray frame;
        auto be32 = [](QByteArray& o, quint32 v) { o.append(char(v >> 24)).append(char(v >> 16)).append(char(v >> 8)).append(char(v)); };
        const QByteArray payload = "{}";
        be32(frame, quint32(16 + h.size() + payload.size()));
        be32(frame, quint32(h.size()));
        be32(frame, aws::crc32(frame));
        frame += h + payload;
        be32(frame, aws::crc32(frame));
        aws::EventStreamDecoder d;
        const auto msgs = d.feed(frame);
        QVERIFY2(!d.failed(), qPrintable(d.error()));
        QCOMPARE(msgs.size(), std::size_t(1));
        QCOMPARE(msgs[0].header(":event-type"), std::string("messageStop"));
        QCOMPARE(msgs[0].headers.size(), std::size_t(1));
        QCOMPARE(msgs[0].payload, payload);
    }

    void corruptFramesStopDecoding_data()
    {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<QString>("needle");
        const QByteArray good = bedrockEvent("messageStop", R"({"stopReason":"end_turn"})");
        QByteArray badPrelude = good;
        badPrelude[8] = char(badPrelude[8] ^ 0x01);
        QByteArray badMessage = good;
        badMessage[good.size() - 10] = char(badMessage[good.size() - 10] ^ 0x20);   // a payload byte
        QTest::newRow("prelude crc") << badPrelude << QStringLiteral("prelude CRC");
        QTest::newRow("message crc") << badMessage << QStringLiteral("message CRC");
        QTest::newRow("huge length") << eventStreamHuge() << QStringLiteral("impossible lengths");
    }
    void corruptFramesStopDecoding()
    {
        QFETCH(QByteArray, stream);
        QFETCH(QString, needle);
        aws::EventStreamDecoder d;
        const auto msgs = d.feed(stream + bedrockEvent("messageStop", "{}"));
        QVERIFY(msgs.empty());
        QVERIFY(d.failed());
        QVERIFY2(d.error().contains(needle), qPrintable(d.error()));
        QVERIFY(d.feed(bedrockEvent("messageStop", "{}")).empty());   // nothing after a framing error
    }

private:
    static QByteArray eventStreamHuge()
    {
        QByteArray prelude;
        auto be32 = [](QByteArray& o, quint32 v) { o.append(char(v >> 24)).append(char(v >> 16)).append(char(v >> 8)).append(char(v)); };
        be32(prelude, 0x7FFFFFFF);
        be32(prelude, 0);
        be32(prelude, aws::crc32(prelude));
        return prelude;
    }
};

QTEST_GUILESS_MAIN(TestAwsEventStream)
#include "tst_aws_event_stream.moc"
