#pragma once
// Holds back the part of a relayed event stream after its last complete event. A stream the upstream
// cuts off mid-event then never leaves half an event on the client's side for the gateway's error
// event to be glued onto (one unparsable line for the client's SSE parser). An event ends at a blank
// line ("\n\n" or "\r\n\r\n"); a chunk that ends on one, the usual case, is relayed as it is.

#include <QByteArray>
#include <QByteArrayView>

namespace gatehouse {

class SseEventFramer {
public:
    // Past this much without an event boundary the bytes are relayed anyway: not an event stream
    // we understand, and memory stays bounded.
    static constexpr qsizetype kMaxHeldBytes = 1 << 20;

    // The bytes of complete events to relay now: a view into `in` or into this framer, valid until
    // the next call. Empty while an event is still incomplete.
    QByteArrayView push(QByteArrayView in);
    // What is held back: relayed when the stream ends cleanly, dropped when it fails.
    QByteArray takeRest();
    void reset();

    // Index just past the last blank line in `b`, 0 when there is none.
    static qsizetype completeLength(QByteArrayView b);

private:
    QByteArray held_;
    QByteArray out_;
};

} // namespace gatehouse
