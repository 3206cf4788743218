// Headers most of the core includes, parsed once per build instead of once per file (the JSON
// library alone is a second of every file's compile). Only system headers: a change to the
// project's own headers never rebuilds the whole tree. GATEHOUSE_PCH=OFF builds without it.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>
