#include "output.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "errors.h"

namespace dubarr {
namespace {

// The process umask, read without changing it (umask() itself would race other threads).
mode_t current_umask() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Umask:", 0) == 0) return static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8));
  }
  return 022;
}

// mkstemp creates 0600 files; a media server running as another user must still read the
// result, so it gets the mode of the file it replaces, or what open() would have given.
mode_t final_mode(const std::string& final_path) {
  struct stat st {};
  if (stat(final_path.c_str(), &st) == 0) return st.st_mode & 07777;
  return 0666 & ~current_umask();
}

// Deleting a partly written file can take tens of milliseconds while the kernel drops its
// dirty pages; a cancelled operation must return within 200 ms, so abandoned temp files (and
// files an output replaced, see AtomicFile::commit) are removed by one background thread.
// They are hidden (.name.dubarr-*.part), and the queue is drained when the process exits.
class FileReaper {
 public:
  static FileReaper& instance() {
    static FileReaper reaper;
    return reaper;
  }

  void discard(std::string path) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (thread_.joinable()) {
        queue_.push_back(std::move(path));
        wake_.notify_one();
        return;
      }
    }
    unlink(path.c_str());  // no thread (could not start one): delete in place
  }

  ~FileReaper() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
      wake_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
  }

 private:
  FileReaper() {
    try {
      thread_ = std::thread([this] { run(); });
    } catch (const std::system_error&) {
    }
  }

  void run() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to delete
      std::string path = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      unlink(path.c_str());
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace

AtomicFile::AtomicFile(std::string final_path) : final_path_(std::move(final_path)) {
  std::string::size_type slash = final_path_.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : final_path_.substr(0, slash);
  std::string base = slash == std::string::npos ? final_path_ : final_path_.substr(slash + 1);
  // Hidden and with a foreign suffix so folder watchers and media scanners skip it.
  std::string pattern = dir + "/." + base + ".dubarr-XXXXXX.part";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  int fd = mkstemps(buf.data(), 5);
  if (fd < 0) fail(ErrorCode::OutputWrite, "cannot create a file in '" + dir + "'", AVERROR(errno));
  fchmod(fd, final_mode(final_path_));
  close(fd);
  temp_path_ = buf.data();
}

AtomicFile::~AtomicFile() {
  if (!committed_) FileReaper::instance().discard(temp_path_);
}

// Renaming over an existing file frees the old file's blocks inside rename() when that was
// its last name: ~0.2 s per 150 MB on ext4 (seconds for a film), on the operation's clock and
// the largest and least steady part of a remux that replaces its output. A second name keeps
// the old file alive through the rename; the reaper thread deletes it afterwards. Returns
// that name, or "" when there is nothing to replace or no link can be made (FAT, some network
// shares): then the rename just does the work itself, as before.
std::string AtomicFile::keep_replaced_file() const {
  struct stat st {};
  if (lstat(final_path_.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return "";
  // Our temp name is unique in this folder; the same stem with ".old.part" is too, and is
  // just as hidden from watchers and media scanners.
  std::string name = temp_path_.substr(0, temp_path_.size() - 5) + ".old.part";
  return link(final_path_.c_str(), name.c_str()) == 0 ? name : "";
}

void AtomicFile::commit() {
  const std::string replaced = keep_replaced_file();
  if (std::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
    const int err = errno;
    if (!replaced.empty()) unlink(replaced.c_str());
    fail(ErrorCode::OutputWrite, "cannot move the finished file to '" + final_path_ + "'", AVERROR(err));
  }
  committed_ = true;
  if (!replaced.empty()) FileReaper::instance().discard(replaced);
}

MuxedOutput::MuxedOutput(const std::string& final_path, const std::string& muxer, const CancelToken& cancel)
    : cancel_(cancel), file_(final_path) {
  AVFormatContext* raw = nullptr;
  int ret = avformat_alloc_output_context2(&raw, nullptr, muxer.c_str(), file_.temp_path().c_str());
  if (ret < 0 || !raw) fail(ErrorCode::UnsupportedCodec, "this FFmpeg build cannot write '" + muxer + "'", ret);
  ctx_.reset(raw);
  ctx_->interrupt_callback = cancel.interrupt_callback();
}

AVStream* MuxedOutput::new_stream() {
  AVStream* st = avformat_new_stream(ctx_.get(), nullptr);
  if (!st) throw std::bad_alloc();
  return st;
}

void MuxedOutput::write_header(Dictionary& options, const std::string& encoder) {
  if (!(ctx_->oformat->flags & AVFMT_NOFILE)) {
    AVIOInterruptCB cb = cancel_.interrupt_callback();
    int ret = avio_open2(&ctx_->pb, ("file:" + file_.temp_path()).c_str(), AVIO_FLAG_WRITE, &cb, nullptr);
    if (ret < 0) {
      cancel_.throw_if_cancelled();
      fail(ErrorCode::OutputWrite, "cannot open '" + file_.temp_path() + "' for writing", ret);
    }
  }
  // avformat_init_output stamps "encoder" with libavformat's name; muxers write tags only
  // in write_header (Matroska) or the trailer (MP4), so a tag set in between survives.
  // MP4 writes its tool atom (read back as "encoder") from "encoding_tool" instead.
  int ret = avformat_init_output(ctx_.get(), options.get());
  if (ret >= 0) {
    if (!encoder.empty()) {
      av_dict_set(&ctx_->metadata, "encoder", encoder.c_str(), 0);
      av_dict_set(&ctx_->metadata, "encoding_tool", encoder.c_str(), 0);
    }
    ret = avformat_write_header(ctx_.get(), nullptr);
  }
  if (ret < 0) {
    cancel_.throw_if_cancelled();
    if (ctx_->pb && ctx_->pb->error < 0) fail(ErrorCode::OutputWrite, "cannot write to '" + final_path() + "'", ctx_->pb->error);
    fail(ErrorCode::UnsupportedCodec, "the " + std::string(ctx_->oformat->name) + " muxer rejected these streams", ret);
  }
}

void MuxedOutput::write(AVPacket* pkt) {
  int ret = av_interleaved_write_frame(ctx_.get(), pkt);
  if (ret < 0) {
    cancel_.throw_if_cancelled();
    check_io("cannot write to");
    fail(ErrorCode::OutputWrite, "cannot write a packet to '" + final_path() + "'", ret);
  }
}

void MuxedOutput::check_io(const char* what) {
  if (ctx_->pb && ctx_->pb->error < 0) fail(ErrorCode::OutputWrite, std::string(what) + " '" + final_path() + "'", ctx_->pb->error);
}

void MuxedOutput::finish(const std::function<void(const std::string&)>& amend) {
  int ret = av_write_trailer(ctx_.get());
  if (ret < 0) {
    cancel_.throw_if_cancelled();
    check_io("cannot finish");
    fail(ErrorCode::OutputWrite, "cannot finish '" + final_path() + "'", ret);
  }
  if (ctx_->pb && !(ctx_->oformat->flags & AVFMT_NOFILE)) {
    avio_flush(ctx_->pb);
    check_io("cannot write to");
    ret = avio_closep(&ctx_->pb);
    if (ret < 0) fail(ErrorCode::OutputWrite, "cannot close '" + final_path() + "'", ret);
  }
  if (amend) amend(file_.temp_path());
  file_.commit();
}

}  // namespace dubarr
