#pragma once
// Light, dark or the desktop's own look. Qt 6.4 has no QStyleHints::setColorScheme (6.8), so light
// and dark are the Fusion style with a fixed palette; "system" restores the style and palette the
// application started with.

#include "app_preferences.h"

namespace gatehouse {

void applyTheme(Theme theme);
Theme currentTheme();

} // namespace gatehouse
