#pragma once
// The selected request in full: a summary form on the left, the request and response bodies on the
// right (pretty-printed when they are JSON, raw otherwise — e.g. an SSE stream).

#include "observability/request_record.h"

#include <QByteArray>
#include <QColor>
#include <QString>
#include <QWidget>

#include <array>

class QFormLayout;
class QPlainTextEdit;
class QStackedWidget;
class QTabWidget;

namespace gatehouse {

class RequestDetailView : public QWidget {
    Q_OBJECT
public:
    enum class Field {
        RequestId, TraceId, Time, Endpoint, Provider, Model, UpstreamUrl, Attempts, Status, Latency, Ttfb,
        Tokens, Sizes, Client, UserAgent, Metadata, Error, Span, Route, Answer, Params, Cost, Cache,
        Count_
    };
    Q_ENUM(Field)

    enum Tab { RequestTab = 0, ResponseTab = 1, AttemptsTab = 2 };

    explicit RequestDetailView(QWidget* parent = nullptr);

    // Shows `record`; the view keeps no reference to it.
    void showRecord(const RequestRecord& record);
    // Back to the "select a request" placeholder.
    void clear();

    bool hasRecord() const;
    QString shownRequestId() const { return requestId_; }
    QString fieldText(Field field) const;
    QString requestBodyText() const;
    QString responseBodyText() const;
    QString attemptsText() const;   // the attempts as a timeline, one line each
    QString tabTitle(Tab tab) const;

    // Pretty JSON (2-space indent) when `body` parses as JSON, else the body as UTF-8 text.
    static QString formatBody(const QByteArray& body);

private:
    static constexpr auto kFieldCount = static_cast<size_t>(Field::Count_);

    void addField(Field field, const QString& label, bool wrap);
    void setField(Field field, const QString& text, const QColor& color = {});
    void setBody(Tab tab, QPlainTextEdit* edit, const QString& title, const QByteArray& body, qint64 totalBytes,
                 bool truncated);

    QStackedWidget* stack_ = nullptr;   // placeholder page | content page
    QFormLayout* form_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    QPlainTextEdit* requestEdit_ = nullptr;
    QPlainTextEdit* responseEdit_ = nullptr;
    QPlainTextEdit* attemptsEdit_ = nullptr;
    std::array<QWidget*, kFieldCount> fields_{};   // read-only line edits, or wrapping labels
    QString requestId_;
};

} // namespace gatehouse
