#include "keys/key_resolution.h"

namespace gatehouse {

std::variant<const ResolvedKey*, ApiError> resolveVirtualKey(const KeySnapshot* snapshot, const QString& slug)
{
    const ResolvedKey* k = snapshot ? snapshot->find(slug) : nullptr;
    if (!k) {
        const QString named = slugProblem(slug).isEmpty() ? QStringLiteral("Virtual key '%1'").arg(slug)
                                                          : QStringLiteral("The virtual key given");
        ApiError e = ApiError::unauthorized(
            QStringLiteral("%1 is not defined in this gateway. Add it on the Keys page or with 'gatehouse keys add'.").arg(named),
            QStringLiteral("virtual_key_not_found"));
        e.param = QStringLiteral("x-portkey-virtual-key");
        return e;
    }
    if (k->key.disabled) {
        return ApiError{403, QStringLiteral("Virtual key '%1' is disabled. Enable it on the Keys page or with 'gatehouse keys enable'.").arg(slug),
                        QStringLiteral("permission_error"), QStringLiteral("virtual_key_disabled"), QStringLiteral("x-portkey-virtual-key")};
    }
    if (!k->unavailable.isEmpty() || k->secret.isEmpty()) {
        return ApiError{503, QStringLiteral("The secret of virtual key '%1' is not available: %2")
                                 .arg(slug, k->unavailable.isEmpty() ? QStringLiteral("no secret is stored.") : k->unavailable),
                        QStringLiteral("api_error"), QStringLiteral("virtual_key_unavailable"), QStringLiteral("x-portkey-virtual-key")};
    }
    return k;
}

} // namespace gatehouse
