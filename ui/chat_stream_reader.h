#pragma once
// Reads an OpenAI chat-completions SSE stream as it arrives, in pieces of any size: "data: {...}"
// events carrying chat.completion.chunk deltas, an error event, and "data: [DONE]".

#include <QByteArray>
#include <QString>

namespace gatehouse {

class ChatStreamReader {
public:
    // Feeds the next bytes; returns the answer text the complete events among them add.
    QString feed(QByteArrayView bytes);

    bool isDone() const { return done_; }            // [DONE] seen
    QString error() const { return error_; }         // an {"error":{"message"}} event's message
    QString finishReason() const { return finishReason_; }
    int eventCount() const { return events_; }

private:
    QString event(QByteArrayView data);

    QByteArray buffer_;
    bool done_ = false;
    QString error_;
    QString finishReason_;
    int events_ = 0;
};

} // namespace gatehouse
