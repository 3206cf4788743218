#pragma once
// "Connect": copy-ready client snippets (LangChain, OpenAI SDKs, Portkey SDK, curl) for the running
// gateway, with the provider, virtual key or saved config, model, trace id and metadata the user picks.

#include "connect_snippets.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;

namespace gatehouse {

class GatewayService;

class ConnectDialog : public QDialog {
    Q_OBJECT
public:
    // gateway may be null (snippets then use the default address).
    explicit ConnectDialog(GatewayService* gateway, QWidget* parent = nullptr);

    // What the snippets are generated from right now.
    SnippetInput input() const;
    QString snippet(SnippetLanguage language) const;
    QString currentSnippet() const;
    void setCurrentLanguage(SnippetLanguage language);
    void setRoute(ConnectRoute route, const QString& value);

    QComboBox* routeKindCombo() const { return routeKind_; }
    QComboBox* routeValueCombo() const { return routeValue_; }
    QLineEdit* modelEdit() const { return model_; }
    QLineEdit* traceEdit() const { return trace_; }
    QLineEdit* metadataEdit() const { return metadata_; }
    QPushButton* copyButton() const { return copy_; }

public Q_SLOTS:
    void copyCurrent();     // current snippet to the clipboard
    void newTraceId();
    void refresh();         // base URL and lists from the gateway, then the snippets

private:
    void fillRouteValues();
    void updateSnippets();

    GatewayService* gateway_;
    QLabel* baseUrl_ = nullptr;
    QComboBox* routeKind_ = nullptr;
    QComboBox* routeValue_ = nullptr;
    QLineEdit* model_ = nullptr;
    QLineEdit* trace_ = nullptr;
    QLineEdit* metadata_ = nullptr;
    QLabel* metadataError_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    QList<QPlainTextEdit*> editors_;
    QPushButton* copy_ = nullptr;
    QLabel* copied_ = nullptr;
    bool modelTouched_ = false;
};

// A fresh trace id for snippets and the playground: "run-" + 8 hex digits.
QString generateTraceId();

} // namespace gatehouse
