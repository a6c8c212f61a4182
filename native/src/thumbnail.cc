#include "thumbnail.h"

#include <cmath>
#include <cstring>

#include "errors.h"
#include "video_source.h"

namespace dubarr {
namespace {

// Half a millisecond: a frame stamped 1.0 s in a 1/90000 time base is "at" 1.0 s.
constexpr double kTimeSlack = 0.0005;

}  // namespace

ThumbnailOp::Args ThumbnailOp::parse(Napi::Env, const Napi::Object& o) {
  Args a;
  a.path = req_string(o, "path");
  a.stream_index = static_cast<int>(opt_int(o, "streamIndex", -1));
  a.time = opt_double(o, "time", 0);
  a.width = static_cast<int>(opt_int(o, "width", 0));
  return a;
}

ThumbnailOp::Result ThumbnailOp::run(const Args& args, OpContext& ctx) {
  VideoSource source(args.path, args.stream_index, ctx.cancel);
  source.open_decoder();
  ctx.progress.set_total(args.time);
  // Reported before the seek, which can read a long way in a file without an index.
  ctx.progress.update(0);
  source.seek(args.time);

  FramePtr frame = make_frame();
  bool found = false;
  double last = NAN;
  while (source.next_frame(frame.get())) {
    const double t = source.seconds(frame->best_effort_timestamp);
    ctx.progress.update(t);
    // Frames without a time (rare, broken files) are taken as they come once past the seek.
    if (std::isnan(t) || t + kTimeSlack >= args.time) {
      found = true;
      last = t;
      break;
    }
    last = t;
    av_frame_unref(frame.get());
  }
  if (!found) {
    const double length = source.duration();
    fail(ErrorCode::InvalidArgument, "no video frame at or after " + std::to_string(args.time) + " s (the video ends at " +
                                         (std::isnan(last) ? std::to_string(length) : std::to_string(last)) + " s)");
  }

  ThumbnailOp::Result r;
  r.time = last;
  r.stream_index = source.stream()->index;
  const AVRational sar = frame->sample_aspect_ratio.num > 0 ? frame->sample_aspect_ratio : AVRational{1, 1};
  const int width = args.width > 0 ? args.width : std::max(1, static_cast<int>(std::lround(frame->width * av_q2d(sar))));
  const ScaledSize size = scaled_size(frame.get(), width, 1);
  FrameScaler scaler(size.width, size.height, AV_PIX_FMT_RGB24);
  FramePtr rgb = make_frame();
  scaler.scale(frame.get(), rgb.get());
  r.width = size.width;
  r.height = size.height;
  const size_t row = static_cast<size_t>(size.width) * 3;
  r.rgb.resize(row * size.height);
  for (int y = 0; y < size.height; y++) std::memcpy(r.rgb.data() + row * y, rgb->data[0] + static_cast<ptrdiff_t>(rgb->linesize[0]) * y, row);
  ctx.progress.done(args.time);
  return r;
}

Napi::Value ThumbnailOp::to_js(Napi::Env env, Result& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("data", Napi::Buffer<uint8_t>::Copy(env, r.rgb.data(), r.rgb.size()));
  o.Set("width", Napi::Number::New(env, r.width));
  o.Set("height", Napi::Number::New(env, r.height));
  o.Set("time", js_number_or_null(env, r.time));
  o.Set("streamIndex", Napi::Number::New(env, r.stream_index));
  return o;
}

}  // namespace dubarr
