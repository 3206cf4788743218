#pragma once
// --port-file: the bound port, written once the gateway listens, for scripts that start Gatehouse
// on port 0 (the window and headless modes alike).

#include <QString>

namespace gatehouse {

// Written whole or not at all, so a reader never sees a partial number.
bool writePortFile(const QString& path, quint16 port);

} // namespace gatehouse
