#include "js_bridge.h"

namespace dubarr {
namespace {

Napi::Value get(const Napi::Object& o, const char* key) { return o.Get(key); }

[[noreturn]] void type_error(const Napi::Object& o, const char* key, const char* expected) {
  throw Napi::TypeError::New(o.Env(), std::string("dubarr_native: option '") + key + "' must be " + expected);
}

}  // namespace

std::string req_string(const Napi::Object& o, const char* key) {
  Napi::Value v = get(o, key);
  if (!v.IsString()) type_error(o, key, "a string");
  return v.As<Napi::String>().Utf8Value();
}

std::optional<std::string> opt_string(const Napi::Object& o, const char* key) {
  Napi::Value v = get(o, key);
  if (v.IsUndefined() || v.IsNull()) return std::nullopt;
  if (!v.IsString()) type_error(o, key, "a string");
  return v.As<Napi::String>().Utf8Value();
}

int64_t opt_int(const Napi::Object& o, const char* key, int64_t fallback) {
  Napi::Value v = get(o, key);
  if (v.IsUndefined() || v.IsNull()) return fallback;
  if (!v.IsNumber()) type_error(o, key, "a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d != std::floor(d)) type_error(o, key, "an integer");
  return static_cast<int64_t>(d);
}

double opt_double(const Napi::Object& o, const char* key, double fallback) {
  Napi::Value v = get(o, key);
  if (v.IsUndefined() || v.IsNull()) return fallback;
  if (!v.IsNumber()) type_error(o, key, "a number");
  return v.As<Napi::Number>().DoubleValue();
}

bool opt_bool(const Napi::Object& o, const char* key, bool fallback) {
  Napi::Value v = get(o, key);
  if (v.IsUndefined() || v.IsNull()) return fallback;
  if (!v.IsBoolean()) type_error(o, key, "a boolean");
  return v.As<Napi::Boolean>().Value();
}

Napi::Value js_number_or_null(Napi::Env env, double v) {
  if (!std::isfinite(v)) return env.Null();
  return Napi::Number::New(env, v);
}

Napi::Value js_string_or_null(Napi::Env env, const std::optional<std::string>& v) {
  if (!v) return env.Null();
  return Napi::String::New(env, *v);
}

Napi::Error make_js_error(Napi::Env env, const NativeFailure& failure) {
  Napi::Error err = Napi::Error::New(env, failure.what());
  err.Set("code", Napi::String::New(env, code_name(failure.code())));
  err.Set("averror", Napi::Number::New(env, failure.averror()));
  if (failure.averror() < 0) err.Set("averrorText", Napi::String::New(env, av_error_text(failure.averror())));
  return err;
}

JsCancel::JsCancel(const Napi::Value& flags) {
  if (flags.IsUndefined() || flags.IsNull()) return;
  Napi::Env env = flags.Env();
  if (!flags.IsArray()) throw Napi::TypeError::New(env, "dubarr_native: cancel flags must be an array of Int32Array");
  Napi::Array list = flags.As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Value v = list.Get(i);
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
        v.As<Napi::TypedArray>().ElementLength() < 1) {
      throw Napi::TypeError::New(env, "dubarr_native: each cancel flag must be a non-empty Int32Array");
    }
    token_->watch(v.As<Napi::Int32Array>().Data());
    refs_.push_back(Napi::Persistent(v));
  }
}

ThreadSafeProgressSink::ThreadSafeProgressSink(Napi::Env env, const Napi::Function& fn)
    : tsfn_(Napi::ThreadSafeFunction::New(env, fn, "dubarr:progress", 0, 1)), fn_(Napi::Persistent(fn)) {}

void ThreadSafeProgressSink::finish(double seconds, double total) {
  has_final_ = true;
  final_seconds_ = seconds;
  final_total_ = total;
}

void ThreadSafeProgressSink::deliver_final() {
  if (!has_final_) return;
  has_final_ = false;
  Napi::Env env = fn_.Env();
  Napi::HandleScope scope(env);
  try {
    fn_.Call({Napi::Number::New(env, final_seconds_), js_number_or_null(env, final_total_)});
  } catch (const Napi::Error&) {
    // A throwing listener must not turn a finished operation into a failure.
  }
}

void ThreadSafeProgressSink::emit(double seconds, double total) {
  auto* data = new std::pair<double, double>(seconds, total);
  napi_status status = tsfn_.NonBlockingCall(data, [](Napi::Env env, Napi::Function fn, std::pair<double, double>* d) {
    std::unique_ptr<std::pair<double, double>> owned(d);
    if (env == nullptr || fn.IsEmpty()) return;  // environment shutting down
    fn.Call({Napi::Number::New(env, owned->first), js_number_or_null(env, owned->second)});
  });
  if (status != napi_ok) delete data;
}

void ThreadSafeProgressSink::release() {
  if (released_) return;
  released_ = true;
  tsfn_.Release();
}

void SyncProgressSink::emit(double seconds, double total) {
  fn_.Call({Napi::Number::New(env_, seconds), js_number_or_null(env_, total)});
}

}  // namespace dubarr
