// The widgets most pages use, on top of the core's set (see core/precompiled_headers.h).
#pragma once

#include "../core/precompiled_headers.h"

#include <QAbstractTableModel>
#include <QApplication>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>
#include <QWidget>
