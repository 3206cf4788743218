#include "observability/trace_tree.h"

#include <algorithm>
#include <unordered_map>

namespace gatehouse {

std::vector<int> TraceTree::preorder() const
{
    std::vector<int> out;
    out.reserve(spans.size());
    std::vector<int> stack(roots.rbegin(), roots.rend());
    while (!stack.empty()) {
        const int i = stack.back();
        stack.pop_back();
        out.push_back(i);
        const auto& c = spans[std::size_t(i)].children;
        stack.insert(stack.end(), c.rbegin(), c.rend());
    }
    return out;
}

TraceTree buildTraceTree(const std::vector<RequestRecord>& records)
{
    TraceTree tree;
    if (records.empty())
        return tree;
    tree.traceId = records.front().traceId;
    qint64 start = records.front().receivedAt.toMSecsSinceEpoch();
    for (const RequestRecord& r : records)
        start = std::min(start, r.receivedAt.toMSecsSinceEpoch());
    tree.startedAtMs = start;

    // Request spans first, so indexes 0..n-1 are the records in order.
    std::unordered_map<QString, int> byId;
    tree.spans.reserve(records.size() * 2);
    for (std::size_t i = 0; i < records.size(); ++i) {
        const RequestRecord& r = records[i];
        TraceSpan s;
        s.spanId = r.spanId.isEmpty() ? r.requestId : r.spanId;
        if (byId.count(s.spanId))
            s.spanId += QStringLiteral("#") + r.requestId;   // a reused id: keep both spans
        s.name = r.spanName.isEmpty() ? r.method + QLatin1Char(' ') + r.path : r.spanName;
        s.startMs = double(r.receivedAt.toMSecsSinceEpoch() - start);
        s.durationMs = r.totalMs;
        s.status = r.status;
        s.provider = r.provider;
        s.model = r.model;
        s.totalTokens = r.totalTokens;
        s.error = r.errorMessage;
        s.record = int(i);
        byId.emplace(s.spanId, int(tree.spans.size()));
        tree.spans.push_back(std::move(s));
    }
    const int requestSpans = int(tree.spans.size());

    // Parents by id; a chain that comes back to itself is a cycle: cut it at the span that closes it.
    for (int i = 0; i < requestSpans; ++i) {
        const QString& parentId = records[std::size_t(i)].parentSpanId;
        const auto it = parentId.isEmpty() ? byId.end() : byId.find(parentId);
        if (it == byId.end() || it->second == i)
            continue;
        int p = it->second;
        bool cycle = false;
        for (int guard = 0; p >= 0 && guard <= requestSpans; ++guard) {
            if (p == i) {
                cycle = true;
                break;
            }
            p = tree.spans[std::size_t(p)].parent;
        }
        if (!cycle)
            tree.spans[std::size_t(i)].parent = it->second;
    }

    // Attempts as children of their request.
    for (int i = 0; i < requestSpans; ++i) {
        const RequestRecord& r = records[std::size_t(i)];
        double cursor = r.upstreamStartMs >= 0 ? r.upstreamStartMs : 0;
        for (std::size_t a = 0; a < r.attemptLog.size(); ++a) {
            const AttemptRecord& at = r.attemptLog[a];
            TraceSpan s;
            s.kind = TraceSpan::Kind::Attempt;
            s.spanId = tree.spans[std::size_t(i)].spanId + QStringLiteral("/attempt-%1").arg(a + 1);
            s.name = at.path.isEmpty() ? QStringLiteral("attempt %1").arg(a + 1) : QStringLiteral("attempt %1: %2").arg(a + 1).arg(at.path);
            // Older records have no start offset: attempts ran one after another.
            const double offset = at.startMs >= 0 ? at.startMs : cursor;
            s.startMs = tree.spans[std::size_t(i)].startMs + offset;
            s.durationMs = at.latencyMs;
            cursor = offset + at.latencyMs;
            s.status = at.status;
            s.provider = at.provider;
            s.model = r.model;
            s.error = at.error;
            s.record = i;
            s.attempt = int(a);
            s.parent = i;
            tree.spans.push_back(std::move(s));
        }
    }

    double end = 0;
    for (std::size_t i = 0; i < tree.spans.size(); ++i) {
        TraceSpan& s = tree.spans[i];
        end = std::max(end, s.startMs + s.durationMs);
        if (s.parent >= 0) {
            s.parentSpanId = tree.spans[std::size_t(s.parent)].spanId;
            tree.spans[std::size_t(s.parent)].children.push_back(int(i));
        } else {
            tree.roots.push_back(int(i));
        }
    }
    tree.durationMs = end;
    auto byStart = [&tree](int a, int b) {
        const TraceSpan &x = tree.spans[std::size_t(a)], &y = tree.spans[std::size_t(b)];
        return x.startMs != y.startMs ? x.startMs < y.startMs : a < b;
    };
    std::sort(tree.roots.begin(), tree.roots.end(), byStart);
    for (TraceSpan& s : tree.spans)
        std::sort(s.children.begin(), s.children.end(), byStart);
    for (int i : tree.preorder()) {
        TraceSpan& s = tree.spans[std::size_t(i)];
        s.depth = s.parent < 0 ? 0 : tree.spans[std::size_t(s.parent)].depth + 1;
    }
    return tree;
}

} // namespace gatehouse
