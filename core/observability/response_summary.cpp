#include "observability/response_summary.h"

#include <nlohmann/json.hpp>

#include <set>
#include <string_view>
#include <utility>

namespace gatehouse {

namespace {

using nlohmann::json;

QString stringAt(const json& j, const char* key)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? QString::fromStdString(it->get_ref<const std::string&>()) : QString();
}

qint64 cachedTokensOf(const json& chunk)
{
    const auto usage = chunk.find("usage");
    if (usage == chunk.end() || !usage->is_object())
        return -1;
    const auto details = usage->find("prompt_tokens_details");
    if (details == usage->end() || !details->is_object())
        return -1;
    const auto cached = details->find("cached_tokens");
    return cached != details->end() && cached->is_number_integer() ? cached->get<qint64>() : -1;
}

// Choices are read from "choices[i].message" (whole answers) or "choices[i].delta" (stream chunks).
class Accumulator {
public:
    void add(const json& j, const char* part)
    {
        if (!j.is_object())
            return;
        if (out_.model.isEmpty())
            out_.model = stringAt(j, "model");
        if (const qint64 c = cachedTokensOf(j); c >= 0)
            out_.cachedTokens = c;
        const auto choices = j.find("choices");
        if (choices == j.end() || !choices->is_array())
            return;
        for (const json& choice : *choices) {
            if (!choice.is_object())
                continue;
            if (out_.toolCalls < 0)
                out_.toolCalls = 0;
            const auto index = choice.find("index");
            const int choiceIndex = index != choice.end() && index->is_number_integer() ? index->get<int>() : 0;
            if (choiceIndex == 0) {
                if (QString reason = stringAt(choice, "finish_reason"); !reason.isEmpty())
                    out_.finishReason = std::move(reason);
            }
            const auto body = choice.find(part);
            if (body == choice.end() || !body->is_object())
                continue;
            if (choiceIndex == 0 && part == std::string_view("delta"))
                appendText(*body);
            const auto calls = body->find("tool_calls");
            if (calls == body->end() || !calls->is_array())
                continue;
            for (const json& call : *calls) {
                // Stream deltas repeat a call's index for each argument fragment: count indexes once.
                const auto ti = call.is_object() ? call.find("index") : call.end();
                if (ti != call.end() && ti->is_number_integer())
                    seen_.insert({choiceIndex, ti->get<int>()});
                else
                    ++unindexed_;
            }
        }
    }

    // A gap (the middle of a truncated stream) is marked so words on either side stay apart.
    void markGap()
    {
        if (!out_.text.isEmpty())
            out_.text += QStringLiteral(" … ");
    }

    ResponseSummary result() const
    {
        ResponseSummary r = out_;
        if (r.toolCalls >= 0)
            r.toolCalls += int(seen_.size()) + unindexed_;
        return r;
    }

private:
    static constexpr qsizetype kMaxText = 1 << 20;   // chars; search needs words, not whole novels

    void appendText(const json& delta)
    {
        const auto content = delta.find("content");
        if (content == delta.end() || !content->is_string() || out_.text.size() >= kMaxText)
            return;
        out_.text += QString::fromStdString(content->get_ref<const std::string&>());
    }

    ResponseSummary out_;
    std::set<std::pair<int, int>> seen_;
    int unindexed_ = 0;
};

void addSseEvents(Accumulator& acc, QByteArrayView text, bool skipFirstLine)
{
    qsizetype pos = 0;
    if (skipFirstLine) {   // a tail starts mid-line
        const qsizetype nl = text.indexOf('\n');
        pos = nl < 0 ? text.size() : nl + 1;
    }
    while (pos < text.size()) {
        qsizetype end = text.indexOf('\n', pos);
        if (end < 0)
            end = text.size();
        QByteArrayView line = text.sliced(pos, end - pos);
        pos = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (!line.startsWith("data:"))
            continue;
        line = line.sliced(5).trimmed();
        if (line.isEmpty() || line == "[DONE]")
            continue;
        acc.add(json::parse(line.begin(), line.end(), nullptr, false), "delta");
    }
}

} // namespace

ResponseSummary summarizeResponse(QByteArrayView body, QByteArrayView tail, bool stream)
{
    Accumulator acc;
    if (stream) {
        addSseEvents(acc, body, false);
        if (!tail.isEmpty()) {
            acc.markGap();
            addSseEvents(acc, tail, true);
        }
    } else {
        acc.add(json::parse(body.begin(), body.end(), nullptr, false), "message");
    }
    return acc.result();
}

} // namespace gatehouse
