// ChatStreamReader: the Playground's SSE reader gives the same text whatever size the pieces arrive
// in (down to one byte), handles CRLF, multi-line data, comments, [DONE] and an error event.

#include "chat_stream_reader.h"

#include <QTest>

using namespace gatehouse;

namespace {

QByteArray chunk(const char* content, const char* finish = nullptr)
{
    QByteArray c = QByteArray("data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")
                 + content + "\"},\"finish_reason\":" + (finish ? QByteArray("\"") + finish + "\"" : QByteArray("null")) + "}]}\n\n";
    return c;
}

QByteArray sampleStream()
{
    return ": keep-alive comment\n\n" + chunk("Hel") + chunk("lo, ") + chunk("w\\u00f6rld", "stop")
         + "data: {\"choices\":[],\"usage\":{\"total_tokens\":3}}\n\n" + "data: [DONE]\n\n";
}

} // namespace

class TestChatStreamReader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sameTextForAnyPieceSize();
    void crlfLineEnds();
    void errorEvent();
    void incompleteEventWaits();
};

void TestChatStreamReader::sameTextForAnyPieceSize()
{
    const QByteArray all = sampleStream();
    for (int size : {1, 2, 3, 7, 64, int(all.size())}) {
        ChatStreamReader r;
        QString text;
        for (int i = 0; i < all.size(); i += size)
            text += r.feed(all.mid(i, size));
        QCOMPARE(text, QStringLiteral("Hello, w\u00f6rld"));
        QVERIFY(r.isDone());
        QCOMPARE(r.finishReason(), QStringLiteral("stop"));
        QVERIFY(r.error().isEmpty());
    }
}

void TestChatStreamReader::crlfLineEnds()
{
    QByteArray all = sampleStream();
    all.replace("\n", "\r\n");
    ChatStreamReader r;
    QString text;
    for (int i = 0; i < all.size(); ++i)   // a CR and its LF in separate pieces too
        text += r.feed(all.mid(i, 1));
    QCOMPARE(text, QStringLiteral("Hello, w\u00f6rld"));
    QVERIFY(r.isDone());
}

void TestChatStreamReader::errorEvent()
{
    ChatStreamReader r;
    QCOMPARE(r.feed(chunk("partial ") + "data: {\"error\":{\"message\":\"upstream went away\",\"type\":\"api_error\"}}\n\n"),
             QStringLiteral("partial "));
    QCOMPARE(r.error(), QStringLiteral("upstream went away"));
    QVERIFY(!r.isDone());
}

void TestChatStreamReader::incompleteEventWaits()
{
    ChatStreamReader r;
    const QByteArray c = chunk("abc");
    QCOMPARE(r.feed(c.left(c.size() - 1)), QString());   // no blank line yet
    QCOMPARE(r.eventCount(), 0);
    QCOMPARE(r.feed(c.right(1)), QStringLiteral("abc"));
    QCOMPARE(r.eventCount(), 1);
}

QTEST_GUILESS_MAIN(TestChatStreamReader)
#include "tst_chat_stream_reader.moc"
