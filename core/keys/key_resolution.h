#pragma once
// A request's virtual key slug -> the key to use, or the OpenAI-shaped error that answers it.
// Runs on the gateway thread against an immutable snapshot; no I/O.

#include "keys/key_snapshot.h"
#include "pipeline/api_error.h"

#include <variant>

namespace gatehouse {

// unknown slug: 401 virtual_key_not_found; disabled: 403 virtual_key_disabled; secret not loaded:
// 503 virtual_key_unavailable. Messages name the slug only when it looks like one (a client that
// pastes a real secret into the header must not get it echoed into logs).
std::variant<const ResolvedKey*, ApiError> resolveVirtualKey(const KeySnapshot* snapshot, const QString& slug);

} // namespace gatehouse
