// Shared by every GUI test: the widgets' set and the tests' (see precompiled_test_headers.h).
#pragma once

#include "../../ui/precompiled_headers.h"
#include "precompiled_test_headers.h"
