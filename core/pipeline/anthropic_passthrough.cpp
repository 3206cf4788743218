#include "pipeline/anthropic_passthrough.h"

#include "providers/anthropic_provider.h"
#include "providers/sse_reader.h"

namespace gatehouse {

namespace {

// Relays Anthropic's event stream unchanged, noting its usage on the way.
class RelayingUsageMapper : public StreamMapper {
public:
    QByteArray map(QByteArrayView upstream) override
    {
        for (const auto& e : reader_.feed(upstream))
            onEvent(e.data);
        return upstream.toByteArray();
    }
    QByteArray finish() override
    {
        for (const auto& e : reader_.finish())
            onEvent(e.data);
        return {};
    }
    std::optional<Usage> observedUsage() const override
    {
        if (!seen_)
            return std::nullopt;
        Usage u;
        u.promptTokens = input_ + cacheRead_ + cacheWrite_;
        u.completionTokens = output_;
        u.totalTokens = u.promptTokens + output_;
        u.cachedTokens = cacheRead_;
        u.cacheWriteTokens = cacheWrite_;
        return u;
    }

private:
    void onEvent(const QByteArray& data)
    {
        const auto j = nlohmann::json::parse(data.constBegin(), data.constEnd(), nullptr, false);
        if (!j.is_object())
            return;
        const std::string type = j.value("type", "");
        const nlohmann::json* usage = nullptr;
        if (type == "message_start" && j.contains("message") && j["message"].is_object() && j["message"].contains("usage"))
            usage = &j["message"]["usage"];
        else if (type == "message_delta" && j.contains("usage"))
            usage = &j["usage"];
        if (!usage || !usage->is_object())
            return;
        seen_ = true;
        const auto read = [usage](const char* key, qint64& into) {
            if (const auto it = usage->find(key); it != usage->end() && it->is_number_integer())
                into = it->get<qint64>();   // message_delta's counts are cumulative
        };
        read("input_tokens", input_);
        read("output_tokens", output_);
        read("cache_read_input_tokens", cacheRead_);
        read("cache_creation_input_tokens", cacheWrite_);
    }

    SseReader reader_;
    bool seen_ = false;
    qint64 input_ = 0, output_ = 0, cacheRead_ = 0, cacheWrite_ = 0;
};

// An anthropic provider that sends the client's Anthropic body and leaves the answer as it is.
class RelayingAnthropic : public Provider {
public:
    RelayingAnthropic(const AnthropicProvider& inner, bool countTokens)
        : Provider(inner.info()), inner_(inner), countTokens_(countTokens) {}
    std::variant<UpstreamRequest, ApiError> buildRequest(const ProviderCall& call) const override
    {
        return inner_.buildNativeRequest(call, countTokens_ ? "/messages/count_tokens" : "/messages");
    }
    std::unique_ptr<StreamMapper> makeStreamMapper(const ResponseContext&) const override
    {
        return std::make_unique<RelayingUsageMapper>();
    }

private:
    const AnthropicProvider& inner_;
    bool countTokens_;
};

// A provider that cannot serve this request (count_tokens, untranslatable bodies): its 400.
class Refusal : public Provider {
public:
    Refusal(const Provider& inner, ApiError why) : Provider(inner.info()), why_(std::move(why)) {}
    std::variant<UpstreamRequest, ApiError> buildRequest(const ProviderCall&) const override { return why_; }

private:
    ApiError why_;
};

} // namespace

AnthropicPassthrough::AnthropicPassthrough(nlohmann::json body, QByteArray rawBody, bool countTokens)
    : body_(std::move(body)), rawBody_(std::move(rawBody)), countTokens_(countTokens)
{
}

AnthropicPassthrough::~AnthropicPassthrough() = default;

const Provider* AnthropicPassthrough::route(const Provider* provider)
{
    adapter_.reset();
    active_ = false;
    if (const auto* anthropic = dynamic_cast<const AnthropicProvider*>(provider)) {
        adapter_ = std::make_unique<RelayingAnthropic>(*anthropic, countTokens_);
        active_ = true;
    } else if (provider && countTokens_) {
        adapter_ = std::make_unique<Refusal>(*provider, ApiError::badRequest(
            QStringLiteral("POST /v1/messages/count_tokens is answered by anthropic targets only; provider '%1' has no "
                           "token-counting endpoint.").arg(provider->id()), QStringLiteral("unsupported_endpoint")));
    } else if (provider && untranslatable_) {
        adapter_ = std::make_unique<Refusal>(*provider, *untranslatable_);
    }
    return adapter_ ? adapter_.get() : provider;
}

} // namespace gatehouse
