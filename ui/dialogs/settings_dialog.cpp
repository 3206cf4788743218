#include "dialogs/settings_dialog.h"

#include "autostart.h"
#include "theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

namespace gatehouse {

SettingsDialog::SettingsDialog(const Preferences& running, QWidget* parent)
    : QDialog(parent)
    , running_(running)
{
    setWindowTitle(tr("Settings"));

    port_ = new QSpinBox(this);
    port_->setRange(1, 65535);
    bind_ = new QComboBox(this);
    bind_->setEditable(true);
    bind_->addItems({QStringLiteral("127.0.0.1"), QStringLiteral("::1"), QStringLiteral("0.0.0.0"), QStringLiteral("::")});
    bind_->setToolTip(tr("127.0.0.1 or ::1 keep the gateway on this machine; other addresses need a gateway key file"));
    keyFile_ = new QLineEdit(this);
    keyFile_->setPlaceholderText(tr("none: any local program may use the gateway"));
    keyFile_->setToolTip(tr("A file with one key per line (mode 0600). Clients send a key as x-portkey-api-key. "
                            "The keys themselves are never shown here."));
    auto* browse = new QPushButton(tr("Browse\u2026"), this);
    auto* keyRow = new QHBoxLayout;
    keyRow->addWidget(keyFile_, 1);
    keyRow->addWidget(browse);
    keyStatus_ = new QLabel(this);
    auto* gatewayForm = new QFormLayout;
    gatewayForm->addRow(tr("Port"), port_);
    gatewayForm->addRow(tr("Bind address"), bind_);
    gatewayForm->addRow(tr("Gateway key file"), keyRow);
    gatewayForm->addRow(QString(), keyStatus_);
    auto* gatewayBox = new QGroupBox(tr("Gateway (applied when the gateway restarts)"), this);
    gatewayBox->setLayout(gatewayForm);

    days_ = new QSpinBox(this);
    days_->setRange(0, 36500);
    days_->setSuffix(tr(" days"));
    days_->setSpecialValueText(tr("no limit"));
    megabytes_ = new QSpinBox(this);
    megabytes_->setRange(0, 1 << 30);
    megabytes_->setSuffix(tr(" MB"));
    megabytes_->setSpecialValueText(tr("no limit"));
    bodies_ = new QCheckBox(tr("Store request and response bodies"), this);
    auto* logForm = new QFormLayout;
    logForm->addRow(tr("Keep requests for"), days_);
    logForm->addRow(tr("Keep at most"), megabytes_);
    logForm->addRow(QString(), bodies_);
    auto* logBox = new QGroupBox(tr("Request log (applied at the next start)"), this);
    logBox->setLayout(logForm);

    theme_ = new QComboBox(this);
    theme_->addItem(tr("Follow the system"), int(Theme::System));
    theme_->addItem(tr("Light"), int(Theme::Light));
    theme_->addItem(tr("Dark"), int(Theme::Dark));
    tray_ = new QCheckBox(tr("Closing the window keeps Gatehouse running in the tray"), this);
    minimized_ = new QCheckBox(tr("Start minimised to the tray"), this);
    autostart_ = new QCheckBox(tr("Start Gatehouse when I log in"), this);
    autostart_->setToolTip(autostartFilePath());
    auto* desktopForm = new QFormLayout;
    desktopForm->addRow(tr("Theme"), theme_);
    desktopForm->addRow(QString(), tray_);
    desktopForm->addRow(QString(), minimized_);
    desktopForm->addRow(QString(), autostart_);
    auto* desktopBox = new QGroupBox(tr("Desktop (applied at once)"), this);
    desktopBox->setLayout(desktopForm);

    problemsLabel_ = new QLabel(this);
    problemsLabel_->setObjectName(QStringLiteral("settingsProblems"));
    problemsLabel_->setStyleSheet(QStringLiteral("color: #b00020;"));
    problemsLabel_->setWordWrap(true);
    problemsLabel_->hide();
    note_ = new QLabel(this);
    note_->setObjectName(QStringLiteral("settingsNote"));
    note_->setWordWrap(true);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    save_ = buttons->addButton(tr("Save"), QDialogButtonBox::AcceptRole);
    restart_ = buttons->addButton(tr("Save and restart gateway"), QDialogButtonBox::ApplyRole);
    save_->setDefault(true);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(gatewayBox);
    layout->addWidget(logBox);
    layout->addWidget(desktopBox);
    layout->addWidget(problemsLabel_);
    layout->addWidget(note_);
    layout->addStretch(1);
    layout->addWidget(buttons);
    setMinimumWidth(600);
    // Numbers and short choices at their natural width, not stretched across the dialog.
    const int field = fontMetrics().horizontalAdvance(QStringLiteral("0000000000 days")) + 40;
    for (QWidget* w : std::initializer_list<QWidget*>{port_, days_, megabytes_, theme_})
        w->setMaximumWidth(field);
    bind_->setMaximumWidth(field + 80);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Gateway key file"), keyFile_->text());
        if (!path.isEmpty())
            keyFile_->setText(path);
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(save_, &QPushButton::clicked, this, [this] {
        if (save())
            accept();
    });
    connect(restart_, &QPushButton::clicked, this, [this] {
        if (!save())
            return;
        Q_EMIT restartGatewayRequested(values());
        accept();
    });
    connect(port_, &QSpinBox::valueChanged, this, &SettingsDialog::revalidate);
    connect(bind_, &QComboBox::currentTextChanged, this, &SettingsDialog::revalidate);
    connect(keyFile_, &QLineEdit::textChanged, this, &SettingsDialog::revalidate);
    for (QSpinBox* b : {days_, megabytes_})
        connect(b, &QSpinBox::valueChanged, this, &SettingsDialog::revalidate);
    connect(bodies_, &QCheckBox::toggled, this, &SettingsDialog::revalidate);

    setValues(loadPreferences(QSettings()), isAutostartEnabled());
}

void SettingsDialog::setValues(const Preferences& p, bool autostart)
{
    loaded_ = p;
    port_->setValue(p.port);
    bind_->setCurrentText(p.bindAddress);
    keyFile_->setText(p.gatewayKeyFile);
    days_->setValue(p.logMaxAgeDays);
    megabytes_->setValue(int(std::min<qint64>(p.logMaxMegabytes, megabytes_->maximum())));
    bodies_->setChecked(p.storeBodies);
    theme_->setCurrentIndex(theme_->findData(int(p.theme)));
    tray_->setChecked(p.closeToTray);
    minimized_->setChecked(p.startMinimized);
    autostart_->setChecked(autostart);
    revalidate();
}

Preferences SettingsDialog::values() const
{
    Preferences p;
    p.port = port_->value();
    p.bindAddress = bind_->currentText().trimmed();
    p.gatewayKeyFile = keyFile_->text().trimmed();
    p.logMaxAgeDays = days_->value();
    p.logMaxMegabytes = megabytes_->value();
    p.storeBodies = bodies_->isChecked();
    p.theme = Theme(theme_->currentData().toInt());
    p.closeToTray = tray_->isChecked();
    p.startMinimized = minimized_->isChecked();
    return p;
}

bool SettingsDialog::autostartChecked() const
{
    return autostart_->isChecked();
}

QString SettingsDialog::restartNote() const
{
    return note_->text();
}

void SettingsDialog::revalidate()
{
    const Preferences p = values();
    int keys = 0;
    problems_ = preferenceProblems(p, &keys);
    problemsLabel_->setText(problems_.join(QLatin1Char('\n')));
    problemsLabel_->setVisible(!problems_.isEmpty());
    save_->setEnabled(problems_.isEmpty());
    if (p.gatewayKeyFile.isEmpty())
        keyStatus_->setText(tr("No access control: only allowed on 127.0.0.1 or ::1."));
    else if (keys > 0)
        keyStatus_->setText(keys == 1 ? tr("1 key; clients send it as x-portkey-api-key.")
                                      : tr("%1 keys; clients send one as x-portkey-api-key.").arg(keys));
    else
        keyStatus_->clear();

    const bool gatewayChanged = !p.gatewayEquals(running_);
    restart_->setEnabled(problems_.isEmpty() && gatewayChanged);
    QStringList notes;
    if (gatewayChanged)
        notes << tr("The gateway still runs with its old port, address or keys: choose \u201cSave and restart gateway\u201d "
                    "to apply them now (requests in flight finish first).");
    if (!p.logEquals(loaded_))
        notes << tr("Request log changes apply when Gatehouse next starts.");
    note_->setText(notes.join(QLatin1Char('\n')));
    note_->setVisible(!notes.isEmpty());
}

bool SettingsDialog::save()
{
    revalidate();
    if (!problems_.isEmpty())
        return false;
    const Preferences p = values();
    QSettings store;
    savePreferences(store, p);
    applyTheme(p.theme);
    QString error;
    if (autostart_->isChecked() != isAutostartEnabled()
        && !setAutostartEnabled(autostart_->isChecked(), QCoreApplication::applicationFilePath(), &error)) {
        problemsLabel_->setText(tr("Start at login: %1").arg(error));
        problemsLabel_->show();
        return false;
    }
    loaded_ = p;
    Q_EMIT saved(p);
    return true;
}

} // namespace gatehouse
