#include "filter_ops.h"

#include <cmath>
#include <cstdlib>

#include "audio_args.h"
#include "filter_graph.h"

namespace dubarr {
namespace {

double metadata_number(const AVFrame* frame, const char* key, double fallback) {
  const AVDictionaryEntry* e = av_dict_get(frame->metadata, key, nullptr, 0);
  if (!e) return fallback;
  char* end = nullptr;
  const double v = std::strtod(e->value, &end);
  return end != e->value ? v : fallback;
}

float max_abs(const AVFrame* frame) {
  float peak = 0;
  const int channels = frame->ch_layout.nb_channels;
  for (int c = 0; c < channels; c++) {
    const float* s = reinterpret_cast<const float*>(frame->extended_data[c]);
    for (int i = 0; i < frame->nb_samples; i++) peak = std::fmax(peak, std::fabs(s[i]));
  }
  return peak;
}

}  // namespace

RunFilterGraphOp::Args RunFilterGraphOp::parse(Napi::Env, const Napi::Object& o) {
  Args args;
  Napi::Array inputs = o.Get("inputs").As<Napi::Array>();
  for (uint32_t i = 0; i < inputs.Length(); i++) args.inputs.push_back(parse_source_spec(inputs.Get(i).As<Napi::Object>()));
  args.graph = req_string(o, "graph");
  args.out = req_string(o, "out");
  args.encode = parse_encode_spec(o.Get("encode").As<Napi::Object>());
  return args;
}

RunFilterGraphOp::Result RunFilterGraphOp::run(const Args& args, OpContext& ctx) {
  FilterGraphRun graph(args.inputs, args.graph, ctx.cancel);
  ctx.progress.set_total(graph.longest_input());
  AudioWriter writer(args.out, args.encode, graph.output_format(), ctx.cancel);
  FramePtr frame = make_frame();
  while (graph.next(frame.get())) {
    writer.write(frame->extended_data, frame->nb_samples);
    av_frame_unref(frame.get());
    ctx.progress.update(graph.position());
  }
  writer.finish();
  ctx.progress.done(graph.position());
  return EncodedFile::of(args.out, writer);
}


MeasureLoudnessOp::Args MeasureLoudnessOp::parse(Napi::Env, const Napi::Object& o) {
  return Args{parse_source_spec(o.Get("source").As<Napi::Object>()), opt_bool(o, "truePeak", true)};
}

MeasureLoudnessOp::Result MeasureLoudnessOp::run(const Args& args, OpContext& ctx) {
  // ebur128 reports loudness as frame metadata; its own true-peak figures are printed with
  // three decimals of a linear value, too coarse for quiet material, so the true peak is the
  // maximum of the signal oversampled to 192 kHz the way ebur128 does it, taken here. That
  // resampling costs about ten times the rest (a film's decode included), so callers that
  // need only loudness skip it and get the sample peak at the input's rate.
  const std::string graph_text = args.true_peak ? "[in0]ebur128=metadata=1,aresample=192000,aformat=sample_fmts=fltp[out]"
                                                : "[in0]ebur128=metadata=1,aformat=sample_fmts=fltp[out]";
  FilterGraphRun graph({args.source}, graph_text, ctx.cancel);
  ctx.progress.set_total(graph.longest_input());
  Result r;
  float peak = 0;
  FramePtr frame = make_frame();
  while (graph.next(frame.get())) {
    r.integrated = metadata_number(frame.get(), "lavfi.r128.I", r.integrated);
    r.lra = metadata_number(frame.get(), "lavfi.r128.LRA", r.lra);
    r.lra_low = metadata_number(frame.get(), "lavfi.r128.LRA.low", r.lra_low);
    r.lra_high = metadata_number(frame.get(), "lavfi.r128.LRA.high", r.lra_high);
    peak = std::fmax(peak, max_abs(frame.get()));
    av_frame_unref(frame.get());
    ctx.progress.update(graph.position());
  }
  ctx.progress.done(graph.position());
  (args.true_peak ? r.true_peak : r.sample_peak) = peak > 0 ? 20 * std::log10(peak) : -INFINITY;
  return r;
}

Napi::Value MeasureLoudnessOp::to_js(Napi::Env env, Result& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("integrated", js_number_or_null(env, r.integrated));
  o.Set("lra", js_number_or_null(env, r.lra));
  o.Set("lraLow", js_number_or_null(env, r.lra_low));
  o.Set("lraHigh", js_number_or_null(env, r.lra_high));
  o.Set("truePeak", js_number_or_null(env, r.true_peak));
  o.Set("samplePeak", js_number_or_null(env, r.sample_peak));
  return o;
}

}  // namespace dubarr
