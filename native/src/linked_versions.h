// linkedVersions(): the libav* libraries this process actually loaded (not the headers the
// addon was compiled against), for cache keys: a library upgrade without a rebuild must count.
#pragma once

#include <napi.h>

namespace dubarr {

Napi::Object linked_versions(Napi::Env env);

}  // namespace dubarr
