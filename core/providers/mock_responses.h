#pragma once
// The mock provider's answers, in OpenAI's wire format. Pure functions of the request, so tests and
// users can predict them: the reply is "Mock reply to: <last user message>".

#include <QByteArray>
#include <nlohmann/json_fwd.hpp>

#include <vector>

namespace gatehouse::mock {

QByteArray replyText(const nlohmann::json& request);
QByteArray chatCompletion(const nlohmann::json& request, const QByteArray& id, qint64 created);
// SSE events ("data: ...\n\n"), ending with "data: [DONE]\n\n".
std::vector<QByteArray> chatCompletionChunks(const nlohmann::json& request, const QByteArray& id, qint64 created);
QByteArray textCompletion(const nlohmann::json& request, const QByteArray& id, qint64 created);
std::vector<QByteArray> textCompletionChunks(const nlohmann::json& request, const QByteArray& id, qint64 created);
QByteArray embeddings(const nlohmann::json& request);
QByteArray models();
QByteArray error(int status);

} // namespace gatehouse::mock
