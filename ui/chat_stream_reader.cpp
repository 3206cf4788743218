#include "chat_stream_reader.h"

#include <nlohmann/json.hpp>

#include <QList>

namespace gatehouse {

QString ChatStreamReader::feed(QByteArrayView bytes)
{
    buffer_.append(bytes.data(), bytes.size());
    buffer_.replace("\r\n", "\n");
    QString text;
    for (;;) {
        const qsizetype end = buffer_.indexOf("\n\n");
        if (end < 0)
            break;
        const QByteArray block = buffer_.left(end);
        buffer_.remove(0, end + 2);
        // An event's data lines joined with newlines; comments and other fields ignored.
        QByteArray data;
        bool any = false;
        for (const QByteArray& line : block.split('\n')) {
            if (!line.startsWith("data:"))
                continue;
            QByteArray value = line.mid(5);
            if (value.startsWith(' '))
                value.remove(0, 1);
            if (any)
                data.append('\n');
            data.append(value);
            any = true;
        }
        if (any)
            text += event(data);
    }
    return text;
}

QString ChatStreamReader::event(QByteArrayView data)
{
    ++events_;
    if (data == "[DONE]") {
        done_ = true;
        return {};
    }
    const auto j = nlohmann::json::parse(data.begin(), data.end(), nullptr, false);
    if (!j.is_object())
        return {};
    if (const auto e = j.find("error"); e != j.end() && e->is_object()) {
        error_ = QString::fromStdString(e->value("message", std::string("error")));
        return {};
    }
    QString text;
    if (const auto choices = j.find("choices"); choices != j.end() && choices->is_array()) {
        for (const auto& c : *choices) {
            if (!c.is_object())
                continue;
            if (const auto d = c.find("delta"); d != c.end() && d->is_object()) {
                if (const auto content = d->find("content"); content != d->end() && content->is_string())
                    text += QString::fromStdString(content->get<std::string>());
            }
            if (const auto f = c.find("finish_reason"); f != c.end() && f->is_string())
                finishReason_ = QString::fromStdString(f->get<std::string>());
        }
    }
    return text;
}

} // namespace gatehouse
