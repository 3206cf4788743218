#pragma once
// The text form of an on_status_codes list in the editor: "429, 503". Parsing is strict so a typo is
// shown at once instead of becoming a config the gateway refuses.

#include <QString>

#include <optional>
#include <vector>

namespace gatehouse {

struct StatusCodeParse {
    std::vector<int> codes;   // in the order written
    QString error;            // empty when valid
};

// Comma- or space-separated integers 100..599; empty text gives an empty list (the default).
StatusCodeParse parseStatusCodeList(const QString& text);
QString formatStatusCodeList(const std::vector<int>& codes);

} // namespace gatehouse
