// The only place operations meet N-API. Each operation is a struct with
//   Args  parse(Napi::Env, Napi::Object)      JS thread: copy arguments into C++ values
//   Result run(const Args&, OpContext&)        any thread: the work, no N-API at all
//   Napi::Value to_js(Napi::Env, Result&)      JS thread: build the JS result
// and is exposed twice: `name(args, flags, onProgress)` returning a Promise (work on the libuv
// pool, progress through a ThreadSafeFunction) and `nameSync(...)` for worker threads.
#pragma once

#include <napi.h>

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cancel.h"
#include "errors.h"
#include "progress.h"

namespace dubarr {

struct OpContext {
  const CancelToken& cancel;
  Progress& progress;
};

// --- reading already-validated arguments (TS checked them; these only guard against misuse)
std::string req_string(const Napi::Object& o, const char* key);
std::optional<std::string> opt_string(const Napi::Object& o, const char* key);
int64_t opt_int(const Napi::Object& o, const char* key, int64_t fallback);
double opt_double(const Napi::Object& o, const char* key, double fallback);
bool opt_bool(const Napi::Object& o, const char* key, bool fallback);

// --- building results
Napi::Value js_number_or_null(Napi::Env env, double v);
Napi::Value js_string_or_null(Napi::Env env, const std::optional<std::string>& v);

Napi::Error make_js_error(Napi::Env env, const NativeFailure& failure);

// Keeps the JS flag arrays alive while native code reads their memory.
class JsCancel {
 public:
  explicit JsCancel(const Napi::Value& flags);
  const CancelToken& token() const { return *token_; }

 private:
  std::vector<Napi::Reference<Napi::Value>> refs_;
  std::unique_ptr<CancelToken> token_ = std::make_unique<CancelToken>();
};

// Delivers progress from a libuv worker thread to a JS callback. The final event is kept
// back and delivered on the JS thread just before the promise settles: through the queue it
// could arrive after the result, where the wrappers drop events as stale.
class ThreadSafeProgressSink final : public ProgressSink {
 public:
  ThreadSafeProgressSink(Napi::Env env, const Napi::Function& fn);
  ~ThreadSafeProgressSink() override { release(); }
  void emit(double seconds, double total) override;
  void finish(double seconds, double total) override;
  // JS thread, after the work has finished.
  void deliver_final();
  void release();

 private:
  Napi::ThreadSafeFunction tsfn_;
  Napi::FunctionReference fn_;
  bool released_ = false;
  bool has_final_ = false;  // written by the worker before OnOK runs, read in OnOK
  double final_seconds_ = 0;
  double final_total_ = 0;
};

// Calls the JS callback directly; only valid while the JS thread is inside a sync call.
class SyncProgressSink final : public ProgressSink {
 public:
  SyncProgressSink(Napi::Env env, const Napi::Function& fn) : env_(env), fn_(fn) {}
  void emit(double seconds, double total) override;

 private:
  Napi::Env env_;
  Napi::Function fn_;
};

template <class Result>
using Outcome = std::variant<Result, NativeFailure>;

// Runs `fn` and reduces every C++ failure to a NativeFailure. A failure while the cancel
// flag is set is reported as E_CANCELLED whatever libav said (AVERROR_EXIT, EIO...).
template <class F>
auto guarded(const CancelToken& cancel, F&& fn) -> Outcome<decltype(fn())> {
  clear_last_log();
  try {
    return fn();
  } catch (const NativeFailure& f) {
    if (cancel.cancelled()) return NativeFailure(ErrorCode::Cancelled, "cancelled", AVERROR_EXIT);
    return f;
  } catch (const Napi::Error&) {
    throw;  // a sync progress callback threw: JS sees its own exception
  } catch (const std::bad_alloc&) {
    return NativeFailure(ErrorCode::Internal, "out of memory");
  } catch (const std::exception& e) {
    return NativeFailure(ErrorCode::Internal, e.what());
  }
}

template <class Op>
Outcome<typename Op::Result> run_guarded(const typename Op::Args& args, const CancelToken& cancel, ProgressSink* sink) {
  Progress progress(sink);
  OpContext ctx{cancel, progress};
  return guarded(cancel, [&] { return Op::run(args, ctx); });
}

template <class Op>
class OpWorker final : public Napi::AsyncWorker {
 public:
  OpWorker(Napi::Env env, typename Op::Args args, const Napi::Value& flags, const Napi::Value& on_progress)
      : Napi::AsyncWorker(env, Op::kName),
        deferred_(Napi::Promise::Deferred::New(env)),
        args_(std::move(args)),
        cancel_(flags) {
    if (on_progress.IsFunction()) sink_ = std::make_unique<ThreadSafeProgressSink>(env, on_progress.As<Napi::Function>());
  }

  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override { outcome_.emplace(run_guarded<Op>(args_, cancel_.token(), sink_.get())); }

  void OnOK() override {
    if (sink_) {
      sink_->deliver_final();
      sink_->release();
    }
    Napi::Env env = Env();
    if (auto* failure = std::get_if<NativeFailure>(&*outcome_)) {
      deferred_.Reject(make_js_error(env, *failure).Value());
      return;
    }
    try {
      deferred_.Resolve(Op::to_js(env, std::get<0>(*outcome_)));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

 private:
  Napi::Promise::Deferred deferred_;
  typename Op::Args args_;
  JsCancel cancel_;
  std::unique_ptr<ThreadSafeProgressSink> sink_;
  std::optional<Outcome<typename Op::Result>> outcome_;
};

inline Napi::Object args_object(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(info.Env(), "dubarr_native: first argument must be an options object");
  return info[0].As<Napi::Object>();
}

template <class Op>
Napi::Value run_async(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto args = Op::parse(env, args_object(info));
  auto* worker = new OpWorker<Op>(env, std::move(args), info[1], info[2]);
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

template <class Op>
Napi::Value run_sync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto args = Op::parse(env, args_object(info));
  JsCancel cancel(info[1]);
  std::unique_ptr<SyncProgressSink> sink;
  if (info[2].IsFunction()) sink = std::make_unique<SyncProgressSink>(env, info[2].As<Napi::Function>());
  auto outcome = run_guarded<Op>(args, cancel.token(), sink.get());
  if (auto* failure = std::get_if<NativeFailure>(&outcome)) throw make_js_error(env, *failure);
  return Op::to_js(env, std::get<0>(outcome));
}

}  // namespace dubarr
