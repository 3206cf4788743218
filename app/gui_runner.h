#pragma once
// Window mode: the gateway on its thread, the vault, the request log and the console's pages.

#include "command_line.h"

class QApplication;

namespace gatehouse {

int runGui(QApplication& app, const AppOptions& options);

} // namespace gatehouse
