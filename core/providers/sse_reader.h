#pragma once
// Splits a Server-Sent Events stream that arrives in arbitrary byte pieces into whole events.
// Lines may end in \r\n, \n or \r, and a piece may end anywhere (inside a line, between \r and \n,
// inside a UTF-8 sequence): partial lines are kept until their end arrives. Field handling follows
// the SSE specification: "data" lines of one event are joined with \n, comments (":") are skipped,
// an event is complete at a blank line.

#include <QByteArray>
#include <QByteArrayView>

#include <vector>

namespace gatehouse {

class SseReader {
public:
    struct Event {
        QByteArray type;   // the "event:" field; empty when none was given
        QByteArray data;
    };

    // Appends bytes; returns the events they completed.
    std::vector<Event> feed(QByteArrayView bytes);
    // End of stream: a last line without its terminator and an event without its blank line are
    // still delivered (providers do not always end cleanly).
    std::vector<Event> finish();

    // A line longer than this is dropped, so a stream without line breaks cannot grow memory forever.
    static constexpr qsizetype kMaxLineBytes = 64 * 1024 * 1024;

private:
    void line(QByteArrayView l, std::vector<Event>& out);
    void dispatch(std::vector<Event>& out);

    QByteArray partial_;       // bytes of a line whose terminator has not arrived yet
    bool skipLf_ = false;      // the previous piece ended in \r: a leading \n belongs to it
    bool oversized_ = false;   // dropping the rest of an overlong line
    Event pending_;
    bool hasData_ = false;
};

} // namespace gatehouse
