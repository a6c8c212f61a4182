// Module entry: registers each operation as an async (Promise) and a sync function.
// Per-environment state lives in the Addon instance, so the module loads in worker threads.
#include <napi.h>

#include "decode_stream.h"
#include "decode_to_file.h"
#include "encode_audio.h"
#include "errors.h"
#include "extract_subtitle.h"
#include "filter_ops.h"
#include "js_bridge.h"
#include "linked_versions.h"
#include "probe.h"
#include "clip_video.h"
#include "remux.h"
#include "thumbnail.h"

namespace dubarr {

class DubarrAddon : public Napi::Addon<DubarrAddon> {
 public:
  DubarrAddon(Napi::Env env, Napi::Object exports) {
    install_log_capture();
    DefineAddon(exports, {
                             InstanceMethod<&DubarrAddon::Async<ProbeOp>>("probe"),
                             InstanceMethod<&DubarrAddon::Sync<ProbeOp>>("probeSync"),
                             InstanceMethod<&DubarrAddon::Async<DecodeToFileOp>>("decodeToWav"),
                             InstanceMethod<&DubarrAddon::Sync<DecodeToFileOp>>("decodeToWavSync"),
                             InstanceMethod<&DubarrAddon::Async<EncodeAudioOp>>("encodeAudio"),
                             InstanceMethod<&DubarrAddon::Sync<EncodeAudioOp>>("encodeAudioSync"),
                             InstanceMethod<&DubarrAddon::Async<RunFilterGraphOp>>("runFilterGraph"),
                             InstanceMethod<&DubarrAddon::Sync<RunFilterGraphOp>>("runFilterGraphSync"),
                             InstanceMethod<&DubarrAddon::Async<MeasureLoudnessOp>>("measureLoudness"),
                             InstanceMethod<&DubarrAddon::Sync<MeasureLoudnessOp>>("measureLoudnessSync"),
                             InstanceMethod<&DubarrAddon::Async<ExtractSubtitleOp>>("extractSubtitle"),
                             InstanceMethod<&DubarrAddon::Sync<ExtractSubtitleOp>>("extractSubtitleSync"),
                             InstanceMethod<&DubarrAddon::Async<RemuxOp>>("remux"),
                             InstanceMethod<&DubarrAddon::Sync<RemuxOp>>("remuxSync"),
                             InstanceMethod<&DubarrAddon::Async<ThumbnailOp>>("thumbnail"),
                             InstanceMethod<&DubarrAddon::Sync<ThumbnailOp>>("thumbnailSync"),
                             InstanceMethod<&DubarrAddon::Async<ClipVideoOp>>("clipVideo"),
                             InstanceMethod<&DubarrAddon::Sync<ClipVideoOp>>("clipVideoSync"),
                             InstanceValue("AudioStream", AudioStreamWrap::Define(env)),
                             InstanceMethod<&DubarrAddon::SetLogLevel>("setLogLevel"),
                             InstanceMethod<&DubarrAddon::Versions>("versions"),
                             InstanceMethod<&DubarrAddon::LinkedVersions>("linkedVersions"),
                         });
  }

 private:
  template <class Op>
  Napi::Value Async(const Napi::CallbackInfo& info) {
    return run_async<Op>(info);
  }
  template <class Op>
  Napi::Value Sync(const Napi::CallbackInfo& info) {
    return run_sync<Op>(info);
  }

  // Which libav messages also reach stderr (captured errors are always kept for messages).
  Napi::Value SetLogLevel(const Napi::CallbackInfo& info) {
    set_log_echo_level(info[0].As<Napi::Number>().Int32Value());
    return info.Env().Undefined();
  }

  Napi::Value Versions(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object o = Napi::Object::New(env);
    o.Set("libavformat", AV_STRINGIFY(LIBAVFORMAT_VERSION));
    o.Set("libavcodec", AV_STRINGIFY(LIBAVCODEC_VERSION));
    o.Set("libavutil", AV_STRINGIFY(LIBAVUTIL_VERSION));
    o.Set("libavfilter", AV_STRINGIFY(LIBAVFILTER_VERSION));
    o.Set("libswresample", AV_STRINGIFY(LIBSWRESAMPLE_VERSION));
    o.Set("libswscale", AV_STRINGIFY(LIBSWSCALE_VERSION));
    o.Set("ffmpeg", av_version_info());
    return o;
  }

  Napi::Value LinkedVersions(const Napi::CallbackInfo& info) { return linked_versions(info.Env()); }
};

}  // namespace dubarr

using DubarrNativeAddon = dubarr::DubarrAddon;
NODE_API_ADDON(DubarrNativeAddon)
