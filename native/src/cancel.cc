#include "cancel.h"

#include "errors.h"

namespace dubarr {
namespace {

int interrupt_trampoline(void* opaque) { return static_cast<const CancelToken*>(opaque)->cancelled() ? 1 : 0; }

}  // namespace

bool CancelToken::cancelled() const {
  for (const int32_t* flag : flags_) {
    // Pairs with Atomics.store on the JS side, which is sequentially consistent.
    if (__atomic_load_n(flag, __ATOMIC_SEQ_CST) != 0) return true;
  }
  return false;
}

void CancelToken::throw_if_cancelled() const {
  if (cancelled()) throw NativeFailure(ErrorCode::Cancelled, "cancelled", AVERROR_EXIT);
}

AVIOInterruptCB CancelToken::interrupt_callback() const {
  AVIOInterruptCB cb;
  cb.callback = interrupt_trampoline;
  cb.opaque = const_cast<CancelToken*>(this);
  return cb;
}

}  // namespace dubarr
