#pragma once
// A trace as a tree of spans: the requests sharing a trace id, nested by x-portkey-span-id /
// x-portkey-parent-span-id, and each request's upstream attempts (retries, fallbacks) as its child
// spans. What the Traces page draws as a waterfall and the OTLP exporter sends.
//
// Robust to what clients send: a parent that is not in the trace (e.g. a W3C parent from another
// service) makes a root; repeated span ids are kept apart; a parent cycle is cut so every span
// is drawn exactly once.

#include "observability/request_record.h"

#include <QString>

#include <vector>

namespace gatehouse {

struct TraceSpan {
    enum class Kind { Request, Attempt };
    Kind kind = Kind::Request;
    QString spanId;            // as sent, or the request id when the client sent none
    QString parentSpanId;      // as resolved in the tree (empty for roots)
    QString name;              // span name, else "POST /v1/chat/completions" / the attempt's target path
    double startMs = 0;        // offset from the trace's start
    double durationMs = 0;
    int status = 0;
    QString provider;
    QString model;
    qint64 totalTokens = -1;
    QString error;
    int record = -1;           // index into the records the tree was built from
    int attempt = -1;          // Kind::Attempt: index into that record's attemptLog
    int parent = -1;           // index into spans; -1 for roots
    int depth = 0;
    std::vector<int> children; // indexes into spans, by start time
};

struct TraceTree {
    QString traceId;
    qint64 startedAtMs = 0;     // epoch ms of the earliest request
    double durationMs = 0;      // earliest start to latest end
    std::vector<TraceSpan> spans;
    std::vector<int> roots;     // by start time

    // Spans in drawing order: depth-first, children by start time.
    std::vector<int> preorder() const;
};

// records: one trace's requests in any order.
TraceTree buildTraceTree(const std::vector<RequestRecord>& records);

} // namespace gatehouse
