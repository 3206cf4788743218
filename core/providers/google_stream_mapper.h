#pragma once
// Gemini's streamGenerateContent?alt=sse stream -> OpenAI chat.completion.chunk SSE.
// Each "data: {GenerateContentResponse}" event gives, per candidate:
//   text / functionCall parts -> one delta chunk (role "assistant" on a candidate's first chunk;
//                                tool calls numbered per candidate from 0, each sent whole)
//   finishReason              -> a finish chunk; the last one carries the usage
//   promptFeedback.blockReason without candidates -> an empty content_filter choice
//   {"error":{...}}           -> data: {"error":{...}} and the stream ends there
// Gemini has no end marker: finish() sends data: [DONE] (after a usage-only chunk if no finish
// chunk could carry it).

#include "providers/provider.h"
#include "providers/sse_reader.h"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>

namespace gatehouse::google {

class ThoughtSignatureStore;

class GoogleStreamMapper : public StreamMapper {
public:
    // strict false (Portkey's extras): a candidate's groundingMetadata rides on its finish chunk, and
    // its thought and text parts also go out as delta.content_blocks [{index, delta:{thinking|text}}],
    // the block index moving on when the part kind changes (thought parts appear only there).
    explicit GoogleStreamMapper(std::shared_ptr<ThoughtSignatureStore> signatures = nullptr, bool strict = true);
    QByteArray map(QByteArrayView upstream) override;
    QByteArray finish() override;

private:
    struct Candidate {
        bool roleSent = false;
        int toolCalls = 0;
        bool finished = false;
        nlohmann::json grounding;   // non-strict: the latest groundingMetadata
        int block = -1;             // non-strict: index of the current content block
        bool blockIsThinking = false;
    };

    void onEvent(const QByteArray& data, QByteArray& out);
    QByteArray chunk(int index, nlohmann::json delta, const nlohmann::json& finishReason,
                     const nlohmann::json* usage = nullptr) const;
    bool allFinished() const;
    nlohmann::json contentBlockDeltas(const nlohmann::json& candidate, Candidate& state) const;

    SseReader reader_;
    std::shared_ptr<ThoughtSignatureStore> signatures_;
    std::string id_;
    std::string model_;
    qint64 created_ = 0;
    std::map<int, Candidate> candidates_;
    nlohmann::json usage_;      // the latest usageMetadata, as OpenAI usage
    bool usageSent_ = false;
    bool ended_ = false;        // an error event ended the stream
    bool strict_ = true;
};

} // namespace gatehouse::google
