#include "providers/google_thought_signatures.h"

namespace gatehouse::google {

void ThoughtSignatureStore::remember(const std::string& toolCallId, const std::string& signature)
{
    if (toolCallId.empty() || signature.empty() || signature.size() > kMaxBytes / 4)
        return;
    const std::lock_guard lock(mutex_);
    auto [it, inserted] = byId_.try_emplace(toolCallId, signature);
    if (!inserted) {
        bytes_ -= it->second.size();
        it->second = signature;
    } else {
        order_.push_back(toolCallId);
    }
    bytes_ += signature.size();
    while (!order_.empty() && (byId_.size() > kMaxEntries || bytes_ > kMaxBytes)) {
        const auto old = byId_.find(order_.front());
        if (old != byId_.end()) {
            bytes_ -= old->second.size();
            byId_.erase(old);
        }
        order_.pop_front();
    }
}

std::optional<std::string> ThoughtSignatureStore::find(const std::string& toolCallId) const
{
    const std::lock_guard lock(mutex_);
    const auto it = byId_.find(toolCallId);
    if (it == byId_.end())
        return std::nullopt;
    return it->second;
}

std::size_t ThoughtSignatureStore::size() const
{
    const std::lock_guard lock(mutex_);
    return byId_.size();
}

} // namespace gatehouse::google
