#pragma once
// Headless mode: the gateway core under a QCoreApplication, stopped gracefully by SIGINT/SIGTERM
// (in-flight requests finish first; a second signal exits at once).

#include "command_line.h"

class QCoreApplication;

namespace gatehouse {

int runHeadless(QCoreApplication& app, const AppOptions& options);

} // namespace gatehouse
