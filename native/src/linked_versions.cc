#include "linked_versions.h"

#include <string>

#include "ffmpeg.h"

namespace dubarr {

namespace {

std::string dotted(unsigned v) {
  return std::to_string(AV_VERSION_MAJOR(v)) + "." + std::to_string(AV_VERSION_MINOR(v)) + "." +
         std::to_string(AV_VERSION_MICRO(v));
}

}  // namespace

Napi::Object linked_versions(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("libavformat", dotted(avformat_version()));
  o.Set("libavcodec", dotted(avcodec_version()));
  o.Set("libavutil", dotted(avutil_version()));
  o.Set("libavfilter", dotted(avfilter_version()));
  o.Set("libswresample", dotted(swresample_version()));
  o.Set("libswscale", dotted(swscale_version()));
  // Which encoders and external libraries the build enabled; the same version can differ here.
  o.Set("configuration", avcodec_configuration());
  return o;
}

}  // namespace dubarr
