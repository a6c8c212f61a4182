#include "filter_graph.h"

#include <cmath>

#include "errors.h"

namespace dubarr {
namespace {

// Samples per frame pushed into the graph: small enough to keep memory flat, large enough
// that per-frame overhead stays negligible.
constexpr int kFeedSamples = 4096;

AVFilterInOut* make_inout(const std::string& name, AVFilterContext* ctx, AVFilterInOut* next) {
  AVFilterInOut* io = avfilter_inout_alloc();
  if (!io) throw std::bad_alloc();
  io->name = av_strdup(name.c_str());
  io->filter_ctx = ctx;
  io->pad_idx = 0;
  io->next = next;
  return io;
}

std::string list_pads(const AVFilterInOut* io) {
  std::string names;
  int unlabelled = 0;
  for (; io; io = io->next) {
    if (io->name) names += std::string(names.empty() ? "" : ", ") + "[" + io->name + "]";
    else unlabelled++;
  }
  if (unlabelled) names += (names.empty() ? "" : ", ") + std::to_string(unlabelled) + (unlabelled == 1 ? " unlabelled pad" : " unlabelled pads");
  return names;
}

}  // namespace

FilterGraphRun::FilterGraphRun(const std::vector<AudioSourceSpec>& inputs, const std::string& graph, const CancelToken& cancel)
    : cancel_(cancel) {
  for (const AudioSourceSpec& spec : inputs) {
    Input in;
    in.source = std::make_unique<AudioSource>(spec, cancel);
    inputs_.push_back(std::move(in));
  }
  staging_ = make_frame();
  build(graph);
}

void FilterGraphRun::build(const std::string& description) {
  graph_.reset(avfilter_graph_alloc());
  if (!graph_) throw std::bad_alloc();
  // Filters run on the calling thread; the operation is already off the JS thread.
  graph_->nb_threads = 1;

  AVFilterInOut* outputs = nullptr;  // our buffer sources' outputs, in reverse then fixed below
  for (size_t i = inputs_.size(); i-- > 0;) {
    Input& in = inputs_[i];
    const AudioSourceInfo& info = in.source->info();
    in.buffer = avfilter_graph_alloc_filter(graph_.get(), avfilter_get_by_name("abuffer"), ("in" + std::to_string(i)).c_str());
    if (!in.buffer) throw std::bad_alloc();
    AVBufferSrcParameters* params = av_buffersrc_parameters_alloc();
    if (!params) throw std::bad_alloc();
    params->format = info.sample_format;
    params->sample_rate = info.sample_rate;
    params->time_base = AVRational{1, info.sample_rate};
    av_channel_layout_copy(&params->ch_layout, info.layout.get());
    int ret = av_buffersrc_parameters_set(in.buffer, params);
    av_channel_layout_uninit(&params->ch_layout);
    av_free(params);
    check(ret, ErrorCode::Internal, "cannot describe filter input " + std::to_string(i));
    check(avfilter_init_str(in.buffer, nullptr), ErrorCode::Internal, "cannot create filter input " + std::to_string(i));
    // libavfilter names an unlabelled graph input "in"; a one-input graph may rely on that.
    const std::string label = "in" + std::to_string(i);
    const bool unlabelled = inputs_.size() == 1 && description.find("[" + label + "]") == std::string::npos;
    outputs = make_inout(unlabelled ? "in" : label, in.buffer, outputs);
  }
  FilterInOutPtr open_outputs(outputs);

  check(avfilter_graph_create_filter(&sink_, avfilter_get_by_name("abuffersink"), "out", nullptr, nullptr, graph_.get()),
        ErrorCode::Internal, "cannot create the filter output");
  FilterInOutPtr open_inputs(make_inout("out", sink_, nullptr));

  AVFilterInOut* ins = open_inputs.release();
  AVFilterInOut* outs = open_outputs.release();
  int ret = avfilter_graph_parse_ptr(graph_.get(), description.c_str(), &ins, &outs, nullptr);
  open_inputs.reset(ins);
  open_outputs.reset(outs);
  check(ret, ErrorCode::InvalidArgument, "cannot parse the filter graph '" + description + "'");
  if (open_inputs || open_outputs) {
    fail(ErrorCode::InvalidArgument, "the filter graph leaves " + list_pads(open_outputs.get()) + (open_outputs && open_inputs ? " and " : "") +
                                         list_pads(open_inputs.get()) + " unconnected; use [in0].. for inputs and [out] for the output");
  }
  check(avfilter_graph_config(graph_.get(), nullptr), ErrorCode::InvalidArgument, "the filter graph '" + description + "' is not valid");
}

AudioFormat FilterGraphRun::output_format() const {
  AudioFormat f;
  f.sample_rate = av_buffersink_get_sample_rate(sink_);
  f.format = static_cast<AVSampleFormat>(av_buffersink_get_format(sink_));
  av_buffersink_get_ch_layout(sink_, f.layout.get());
  return f;
}

double FilterGraphRun::longest_input() const {
  double longest = NAN;
  for (const Input& in : inputs_) {
    const double d = in.source->info().duration;
    if (std::isfinite(d) && !(d <= longest)) longest = d;
  }
  return longest;
}

// The input a stalled graph is waiting for: the one whose buffer source has been asked for
// a frame most often, else the next unfinished one in turn.
FilterGraphRun::Input* FilterGraphRun::hungriest() {
  Input* best = nullptr;
  unsigned most = 0;
  for (Input& in : inputs_) {
    if (in.ended) continue;
    const unsigned asked = av_buffersrc_get_nb_failed_requests(in.buffer);
    if (asked > most) {
      most = asked;
      best = &in;
    }
  }
  if (best) return best;
  for (size_t tries = 0; tries < inputs_.size(); tries++) {
    Input& in = inputs_[round_robin_++ % inputs_.size()];
    if (!in.ended) return &in;
  }
  return nullptr;
}

void FilterGraphRun::feed(Input& in) {
  const AudioSourceInfo& info = in.source->info();
  av_frame_unref(staging_.get());
  staging_->format = info.sample_format;
  staging_->sample_rate = info.sample_rate;
  staging_->nb_samples = kFeedSamples;
  check(av_channel_layout_copy(&staging_->ch_layout, info.layout.get()), ErrorCode::Internal, "channel layout");
  if (av_frame_get_buffer(staging_.get(), 0) < 0) throw std::bad_alloc();
  const int n = in.source->read(staging_->extended_data, kFeedSamples);
  if (n == 0) {
    in.ended = true;
    check(av_buffersrc_add_frame_flags(in.buffer, nullptr, 0), ErrorCode::Internal, "cannot end a filter input");
    return;
  }
  staging_->nb_samples = n;
  staging_->pts = in.next_pts;
  in.next_pts += n;
  check(av_buffersrc_add_frame_flags(in.buffer, staging_.get(), 0), ErrorCode::Internal, "cannot feed the filter graph");
}

bool FilterGraphRun::next(AVFrame* frame) {
  for (;;) {
    cancel_.throw_if_cancelled();
    int ret = av_buffersink_get_frame(sink_, frame);
    if (ret >= 0) {
      if (frame->pts != AV_NOPTS_VALUE) {
        position_ = static_cast<double>(frame->pts + frame->nb_samples) * av_q2d(av_buffersink_get_time_base(sink_));
      }
      return true;
    }
    if (ret == AVERROR_EOF) return false;
    if (ret != AVERROR(EAGAIN)) fail(ErrorCode::Internal, "the filter graph failed", ret);

    ret = avfilter_graph_request_oldest(graph_.get());
    if (ret >= 0 || ret == AVERROR_EOF) continue;
    if (ret != AVERROR(EAGAIN)) fail(ErrorCode::Internal, "the filter graph failed", ret);
    Input* in = hungriest();
    if (!in) fail(ErrorCode::Internal, "the filter graph stalled with every input finished");
    feed(*in);
  }
}

}  // namespace dubarr
