#pragma once
// Gemini's thinking models attach a thoughtSignature to functionCall parts and Gemini 3 refuses a
// conversation whose earlier function calls come back without it. OpenAI clients cannot carry it
// (tool calls have no such field and SDKs drop unknown ones), so the gateway keeps each signature
// under the tool-call id it handed out and puts it back when that call returns in a later request.
// In memory, bounded (oldest dropped first), shared by all worker threads. What it no longer has
// (gateway restarted, history from elsewhere) is covered by Gemini's documented placeholder.

#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace gatehouse::google {

class ThoughtSignatureStore {
public:
    // Gemini's placeholder for a signature that is not available ("skip validation").
    static constexpr const char* kPlaceholder = "skip_thought_signature_validator";
    static constexpr std::size_t kMaxEntries = 20'000;
    static constexpr std::size_t kMaxBytes = 32 * 1024 * 1024;

    void remember(const std::string& toolCallId, const std::string& signature);
    std::optional<std::string> find(const std::string& toolCallId) const;
    std::size_t size() const;

private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::string> byId_;
    std::deque<std::string> order_;   // insertion order, for eviction
    std::size_t bytes_ = 0;
};

} // namespace gatehouse::google
