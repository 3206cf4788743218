// The Keys page against the real Secret Service (run under tests/support/with_keyring.sh) and a
// running gateway: a key is created through the dialog and appears, a request with its slug goes
// through the gateway to the mock provider, the secret is rotated in the keychain, the disabled key
// is refused with the documented message, the key is deleted after the confirmation. A key over its
// budget shows as such. Last, the secrets are searched for in the settings, the metadata file, the
// request log, the widgets and everything the process logged: none may appear.
// The model runs under QAbstractItemModelTester; screenshots of the page and the dialog are written.

#include "gateway_service.h"
#include "keys/key_spend_tracker.h"
#include "keys/key_vault.h"
#include "keys/keychain_secret_store.h"
#include "models/virtual_key_model.h"
#include "observability/log_store.h"
#include "pages/key_dialog.h"
#include "pages/keys_page.h"
#include "providers/provider_registry.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDirIterator>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace gatehouse;

namespace {

const QString kService = QStringLiteral("gatehouse-keys-page-test");
const QString kSlug = QStringLiteral("ui-mock");
const QString kBudgetSlug = QStringLiteral("ui-budget");
const QString kSecret1 = QStringLiteral("sk-keys-page-first-91c2e7");
const QString kSecret2 = QStringLiteral("sk-keys-page-rotated-3d7a50");
const QString kSecret3 = QStringLiteral("sk-keys-page-budget-6f18b2");

QStringList g_messages;

void captureMessages(QtMsgType, const QMessageLogContext&, const QString& message)
{
    g_messages << message;
}

QString screenshotDir()
{
    const QString env = qEnvironmentVariable("GATEHOUSE_SCREENSHOT_DIR");
    return env.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::TempLocation) : env;
}

} // namespace

class TestKeysPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void createThroughTheDialog();
    void invalidInputStaysInTheDialog();
    void testRequestGoesThroughTheGateway();
    void rotateReplacesTheSecret();
    void disabledKeyIsRefused();
    void overBudgetIsShownAndScreenshots();
    void deleteAsksFirst();
    void noSecretAnywhere();   // keep last

private:
    // Fills and saves a dialog; empty on success, else what the dialog shows.
    QString saveDialog(KeyDialog* d)
    {
        QPointer<KeyDialog> guard(d);
        QSignalSpy saved(d, &KeyDialog::saved);
        d->saveButton()->click();
        (void)QTest::qWaitFor([&] { return saved.count() > 0 || !guard || (d->errorLabel()->isVisible() && d->saveButton()->isEnabled()); }, 10000);
        if (saved.count() > 0)
            return {};
        return guard ? d->errorLabel()->text() : QStringLiteral("dialog closed without saving");
    }
    std::pair<int, QString> runTest()
    {
        QSignalSpy done(page_, &KeysPage::testFinished);
        page_->testSelected();
        if (!done.wait(10000))
            return {-1, QStringLiteral("timed out")};
        return {done.first().at(0).toInt(), done.first().at(1).toString()};
    }
    SecretResult readSecret(const QString& slug)
    {
        KeychainSecretStore store(kService);
        std::optional<SecretResult> result;
        store.read(slug, [&](SecretResult r) { result = r; });
        (void)QTest::qWaitFor([&] { return result.has_value(); }, 10000);
        return result.value_or(SecretResult{});
    }

    QTemporaryDir dir_;
    LogStore log_;
    std::unique_ptr<GatewayService> gateway_;
    std::unique_ptr<KeyVault> vault_;
    std::unique_ptr<KeySpendTracker> spend_;
    KeysPage* page_ = nullptr;
    std::unique_ptr<QAbstractItemModelTester> tester_;
    QtMessageHandler previousHandler_ = nullptr;
};

void TestKeysPage::initTestCase()
{
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"), "run under tests/support/with_keyring.sh");
    previousHandler_ = qInstallMessageHandler(captureMessages);
    QString error;
    QVERIFY2(log_.open(dir_.filePath(QStringLiteral("requests.db")), &error), qPrintable(error));
    gateway_ = std::make_unique<GatewayService>();
    QObject::connect(gateway_.get(), &GatewayService::recordsReady, &log_, &LogStore::append);
    spend_ = std::make_unique<KeySpendTracker>([] { return QDateTime::currentMSecsSinceEpoch(); });
    QVERIFY(spend_->rebuildFromLog(log_.path(), &error));
    QObject::connect(gateway_.get(), &GatewayService::recordsReady, spend_.get(), &KeySpendTracker::observe);
    gateway_->setSpendSource([this] { return spend_->totals(); });
    vault_ = std::make_unique<KeyVault>(dir_.filePath(QStringLiteral("virtual-keys.json")), std::make_unique<KeychainSecretStore>(kService),
                                        ProviderRegistry::builtIn());
    QObject::connect(vault_.get(), &KeyVault::snapshotChanged, gateway_.get(), &GatewayService::setKeys);
    QSignalSpy loaded(vault_.get(), &KeyVault::loaded);
    vault_->load();
    QVERIFY(loaded.wait(10000));

    GatewaySettings settings;
    settings.port = 0;
    settings.recordFlushIntervalMs = 50;
    QSignalSpy started(gateway_.get(), &GatewayService::started);
    gateway_->start(settings);
    QVERIFY(started.wait(5000));

    page_ = new KeysPage(vault_.get(), spend_.get(), gateway_.get());
    tester_ = std::make_unique<QAbstractItemModelTester>(page_->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    page_->resize(1200, 520);
    page_->show();
    QCOMPARE(page_->model()->rowCount(), 0);
}

void TestKeysPage::cleanupTestCase()
{
    tester_.reset();
    delete page_;
    gateway_->stopAndWait();
    log_.close();
    qInstallMessageHandler(previousHandler_);
}

void TestKeysPage::createThroughTheDialog()
{
    KeyDialog* d = page_->openCreateDialog();
    QVERIFY(d->isVisible());
    QCOMPARE(d->secretEdit()->echoMode(), QLineEdit::Password);
    d->slugEdit()->setText(kSlug);
    d->nameEdit()->setText(QStringLiteral("Mock for the UI test"));
    const int mock = d->providerCombo()->findData(QStringLiteral("mock"));
    QVERIFY(mock >= 0);
    d->providerCombo()->setCurrentIndex(mock);
    d->rpmSpin()->setValue(100);
    d->secretEdit()->setText(kSecret1);
    QLineEdit* secretField = d->secretEdit();
    bool clearedWhenSaved = false;
    connect(d, &KeyDialog::saved, this, [&] { clearedWhenSaved = secretField->text().isEmpty(); });
    const QString e = saveDialog(d);
    QVERIFY2(e.isEmpty(), qPrintable(e));
    QVERIFY(clearedWhenSaved);   // the secret is not kept in the dialog once stored

    const int row = page_->model()->rowOf(kSlug);
    QVERIFY(row >= 0);
    QCOMPARE(page_->selectedSlug(), kSlug);
    auto cell = [&](int column) { return page_->model()->data(page_->model()->index(row, column)).toString(); };
    QCOMPARE(cell(VirtualKeyModel::ProviderColumn), QStringLiteral("mock"));
    QCOMPARE(cell(VirtualKeyModel::StatusColumn), QStringLiteral("enabled"));
    QCOMPARE(cell(VirtualKeyModel::RatesColumn), QStringLiteral("100 req/min"));
    QCOMPARE(cell(VirtualKeyModel::LastUsedColumn), QStringLiteral("never"));
    const SecretResult stored = readSecret(kSlug);
    QVERIFY(stored.ok);
    QVERIFY(stored.secret == kSecret1);   // in the real keychain (QVERIFY: a failure must not print it)
}

void TestKeysPage::invalidInputStaysInTheDialog()
{
    KeyDialog* d = page_->openCreateDialog();
    d->slugEdit()->setText(QStringLiteral("Not A Slug"));
    d->secretEdit()->setText(QStringLiteral("x"));
    const QString e = saveDialog(d);
    QVERIFY2(e.contains(QStringLiteral("Invalid slug")), qPrintable(e));
    QVERIFY(d->isVisible());
    d->slugEdit()->setText(kSlug);   // exists already
    const QString again = saveDialog(d);
    QVERIFY2(again.contains(QStringLiteral("exists already")), qPrintable(again));
    d->secretEdit()->clear();
    d->slugEdit()->setText(QStringLiteral("fresh-slug"));
    const QString noSecret = saveDialog(d);
    QVERIFY2(noSecret.contains(QStringLiteral("secret")), qPrintable(noSecret));
    d->reject();
    QCOMPARE(page_->model()->rowCount(), 1);
}

void TestKeysPage::testRequestGoesThroughTheGateway()
{
    page_->selectSlug(kSlug);
    QCOMPARE(page_->testModelEdit()->placeholderText(), QStringLiteral("mock-gpt"));
    const auto [status, summary] = runTest();
    QCOMPARE(status, 200);
    QVERIFY2(summary.contains(QStringLiteral("Mock reply to:")), qPrintable(summary));
    QCOMPARE(page_->testResultLabel()->text(), summary);
    // The request counts for the key on the page once its record arrives.
    const int row = page_->model()->rowOf(kSlug);
    QVERIFY(QTest::qWaitFor([&] { return page_->model()->data(page_->model()->index(row, VirtualKeyModel::RequestsTodayColumn)).toInt() == 1; }, 5000));
}

void TestKeysPage::rotateReplacesTheSecret()
{
    page_->selectSlug(kSlug);
    KeyDialog* d = page_->openRotateDialog();
    QVERIFY(d);
    QVERIFY(d->slugEdit()->isReadOnly());
    QCOMPARE(d->secretEdit()->echoMode(), QLineEdit::Password);
    d->secretEdit()->setText(kSecret2);
    const QString e = saveDialog(d);
    QVERIFY2(e.isEmpty(), qPrintable(e));
    QVERIFY(readSecret(kSlug).secret == kSecret2);
    QCOMPARE(page_->selectedSlug(), kSlug);
    QCOMPARE(runTest().first, 200);
}

void TestKeysPage::disabledKeyIsRefused()
{
    page_->selectSlug(kSlug);
    QCOMPARE(page_->toggleButton()->text(), QStringLiteral("Disable"));
    QSignalSpy done(page_, &KeysPage::operationFinished);
    page_->toggleSelected();
    QVERIFY(done.count() > 0 || done.wait(5000));
    QCOMPARE(done.first().at(0).toString(), QString());
    const int row = page_->model()->rowOf(kSlug);
    QVERIFY(page_->model()->data(page_->model()->index(row, 0), VirtualKeyModel::DisabledRole).toBool());
    QCOMPARE(page_->model()->data(page_->model()->index(row, VirtualKeyModel::StatusColumn)).toString(), QStringLiteral("disabled"));
    QCOMPARE(page_->toggleButton()->text(), QStringLiteral("Enable"));
    const auto [status, summary] = runTest();
    QCOMPARE(status, 403);
    QVERIFY2(summary.contains(QStringLiteral("Virtual key 'ui-mock' is disabled.")), qPrintable(summary));
}

void TestKeysPage::overBudgetIsShownAndScreenshots()
{
    KeyDialog* d = page_->openCreateDialog();
    d->slugEdit()->setText(kBudgetSlug);
    d->nameEdit()->setText(QStringLiteral("Team budget"));
    d->providerCombo()->setCurrentIndex(d->providerCombo()->findData(QStringLiteral("openai")));
    d->dailyBudgetSpin()->setValue(0.05);
    d->monthlyBudgetSpin()->setValue(1.00);
    d->secretEdit()->setText(kSecret3);
    const QString e = saveDialog(d);
    QVERIFY2(e.isEmpty(), qPrintable(e));
    const int row = page_->model()->rowOf(kBudgetSlug);
    QVERIFY(!page_->model()->isOverBudget(row));

    // What the gateway would report after priced requests: 0.06 of a 0.05 daily budget.
    auto batch = std::make_shared<std::vector<RequestRecord>>();
    for (double cost : {0.04, 0.02}) {
        RequestRecord r;
        r.virtualKey = kBudgetSlug;
        r.receivedAt = QDateTime::currentDateTimeUtc();
        r.costUsd = cost;
        r.priceKnown = true;
        batch->push_back(r);
    }
    spend_->observe(batch);
    QVERIFY(page_->model()->isOverBudget(page_->model()->rowOf(kBudgetSlug)));
    const QModelIndex status = page_->model()->index(page_->model()->rowOf(kBudgetSlug), VirtualKeyModel::StatusColumn);
    QCOMPARE(status.data().toString(), QStringLiteral("over budget"));
    QCOMPARE(page_->model()->index(status.row(), VirtualKeyModel::TodayColumn).data().toString(), QStringLiteral("$0.06 / $0.05"));
    QCOMPARE(page_->model()->index(status.row(), VirtualKeyModel::MonthColumn).data().toString(), QStringLiteral("$0.06 / $1.00"));

    page_->table()->resizeColumnsToContents();
    QVERIFY(page_->grab().save(screenshotDir() + QStringLiteral("/keys_page.png")));
    page_->selectSlug(kBudgetSlug);
    KeyDialog* edit = page_->openEditDialog();
    QVERIFY(edit);
    QCOMPARE(edit->dailyBudgetSpin()->value(), 0.05);
    QVERIFY(!edit->secretEdit());   // editing never shows a secret field; rotation is separate
    QVERIFY(edit->grab().save(screenshotDir() + QStringLiteral("/key_dialog.png")));
    edit->reject();
    KeyDialog* create = page_->openCreateDialog();
    create->providerCombo()->setCurrentIndex(create->providerCombo()->findData(QStringLiteral("azure-openai")));
    create->slugEdit()->setText(QStringLiteral("azure-prod"));
    QVERIFY(create->grab().save(screenshotDir() + QStringLiteral("/key_dialog_azure.png")));
    create->reject();
}

void TestKeysPage::deleteAsksFirst()
{
    page_->selectSlug(kSlug);
    // Declining keeps the key.
    QTimer::singleShot(0, this, [] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (box)
            box->button(QMessageBox::No)->click();
    });
    page_->deleteSelected();
    QVERIFY(page_->model()->rowOf(kSlug) >= 0);

    QSignalSpy done(page_, &KeysPage::operationFinished);
    QString question;
    QTimer::singleShot(0, this, [&question] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (box) {
            question = box->text();
            box->button(QMessageBox::Yes)->click();
        }
    });
    page_->deleteSelected();
    QVERIFY2(question.contains(QStringLiteral("Delete 'ui-mock'")), qPrintable(question));
    QVERIFY(done.count() > 0 || done.wait(10000));
    QCOMPARE(done.first().at(0).toString(), QString());
    QCOMPARE(page_->model()->rowOf(kSlug), -1);
    const SecretResult gone = readSecret(kSlug);
    QVERIFY(!gone.ok);
    QVERIFY(gone.notFound);
}

void TestKeysPage::noSecretAnywhere()
{
    log_.flushAndWait();
    const QList<QByteArray> secrets = {kSecret1.toUtf8(), kSecret2.toUtf8(), kSecret3.toUtf8()};
    QStringList searched;
    auto searchTree = [&](const QString& root) {
        QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray content = f.readAll();
            for (const QByteArray& s : secrets)
                QVERIFY2(!content.contains(s), qPrintable(QStringLiteral("a secret is in %1").arg(path)));
            searched << path;
        }
    };
    searchTree(dir_.path());   // metadata json, the request log (db, wal)
    searchTree(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation));   // settings files
    QVERIFY(searched.contains(dir_.filePath(QStringLiteral("virtual-keys.json"))));
    QVERIFY(searched.contains(dir_.filePath(QStringLiteral("requests.db"))));
    for (const QString& m : std::as_const(g_messages)) {
        for (const QByteArray& s : secrets)
            QVERIFY(!m.toUtf8().contains(s));
    }
    const auto texts = [&](QWidget* w) {
        QStringList all;
        for (auto* l : w->findChildren<QLabel*>())
            all << l->text();
        for (auto* e : w->findChildren<QLineEdit*>())
            all << e->text();
        return all.join(QLatin1Char('\n')).toUtf8();
    };
    for (const QByteArray& s : secrets)
        QVERIFY(!texts(page_).contains(s));
}

QTEST_MAIN(TestKeysPage)
#include "tst_keys_page.moc"
