// Runs a libavfilter graph over N decoded audio inputs. Inputs are labelled [in0]..[inN-1]
// and the graph's single output [out]; a one-input graph may leave both ends unlabelled
// ("atempo=1.25"). Inputs are fed only when the graph asks for them, so a graph that
// reads its inputs at different paces (amix, sidechaincompress) does not buffer a whole file.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "audio_source.h"
#include "audio_writer.h"

namespace dubarr {

class FilterGraphRun {
 public:
  FilterGraphRun(const std::vector<AudioSourceSpec>& inputs, const std::string& graph, const CancelToken& cancel);

  AudioFormat output_format() const;
  // The next filtered frame; false when the graph has finished. `frame` is overwritten.
  bool next(AVFrame* frame);
  // Timeline position of the last frame returned, seconds.
  double position() const { return position_; }
  double longest_input() const;

 private:
  struct Input {
    std::unique_ptr<AudioSource> source;
    AVFilterContext* buffer = nullptr;  // owned by the graph
    int64_t next_pts = 0;
    bool ended = false;
  };
  void build(const std::string& graph);
  void feed(Input& in);
  Input* hungriest();

  const CancelToken& cancel_;
  std::vector<Input> inputs_;
  FilterGraphPtr graph_;
  AVFilterContext* sink_ = nullptr;
  FramePtr staging_;
  double position_ = 0;
  size_t round_robin_ = 0;
};

}  // namespace dubarr
