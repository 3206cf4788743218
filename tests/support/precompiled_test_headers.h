// Shared by every non-GUI test (see core/precompiled_headers.h). QtTest stays out: its
// QT_TESTCASE_* macros differ per test directory, and GCC refuses a header built with others.
#pragma once

#include "../../core/precompiled_headers.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
