// Outputs are written under a hidden temporary name in the target folder and renamed over
// the final path only when complete, so a crash, a cancel or a full disk never leaves a
// partial file where a media server (or the next stage) would pick it up.
#pragma once

#include <functional>
#include <string>

#include "av_handles.h"
#include "cancel.h"

namespace dubarr {

class AtomicFile {
 public:
  explicit AtomicFile(std::string final_path);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  const std::string& temp_path() const { return temp_path_; }
  const std::string& final_path() const { return final_path_; }
  void commit();

 private:
  std::string keep_replaced_file() const;

  std::string final_path_;
  std::string temp_path_;
  bool committed_ = false;
};

class MuxedOutput {
 public:
  MuxedOutput(const std::string& final_path, const std::string& muxer, const CancelToken& cancel);

  AVFormatContext* ctx() const { return ctx_.get(); }
  AVStream* new_stream();
  // Opens the file and writes the header; `options` are muxer private options. A non-empty
  // `encoder` replaces libavformat's own name in the file's "encoder" tag.
  void write_header(Dictionary& options, const std::string& encoder = "");
  // Interleaves and writes; the packet is consumed (left blank) either way.
  void write(AVPacket* pkt);
  // Writes the trailer, flushes, closes and renames into place; `amend`, if given, may edit
  // the closed temporary file (its path is passed) before the rename.
  void finish(const std::function<void(const std::string&)>& amend = nullptr);
  const std::string& final_path() const { return file_.final_path(); }

 private:
  void check_io(const char* what);

  const CancelToken& cancel_;
  AtomicFile file_;  // declared before ctx_: the file is closed before it is unlinked
  OutputFormatPtr ctx_;
};

}  // namespace dubarr
