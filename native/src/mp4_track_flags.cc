#include "mp4_track_flags.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <map>

#include "errors.h"
#include "ffmpeg.h"

namespace dubarr {
namespace {

constexpr uint32_t fourcc(const char (&s)[5]) {
  return (uint32_t{static_cast<uint8_t>(s[0])} << 24) | (uint32_t{static_cast<uint8_t>(s[1])} << 16) |
         (uint32_t{static_cast<uint8_t>(s[2])} << 8) | uint32_t{static_cast<uint8_t>(s[3])};
}

uint32_t be32(const uint8_t* p) { return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3]; }
uint64_t be64(const uint8_t* p) { return (uint64_t{be32(p)} << 32) | be32(p + 4); }

struct Box {
  uint32_t type;
  int64_t body;  // first byte after the header
  int64_t end;
};

class BoxFile {
 public:
  explicit BoxFile(const std::string& path) : path_(path), fd_(::open(path.c_str(), O_RDWR | O_CLOEXEC)) {
    if (fd_ < 0) fail(ErrorCode::OutputWrite, "cannot reopen '" + path + "' to set its track flags", AVERROR(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0) fail(ErrorCode::OutputWrite, "cannot stat '" + path + "'", AVERROR(errno));
    size_ = st.st_size;
  }
  BoxFile(const BoxFile&) = delete;
  BoxFile& operator=(const BoxFile&) = delete;
  ~BoxFile() { ::close(fd_); }

  int64_t size() const { return size_; }

  void read(int64_t at, uint8_t* buf, size_t n) const {
    for (size_t done = 0; done < n;) {
      const ssize_t got = ::pread(fd_, buf + done, n - done, at + static_cast<int64_t>(done));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) fail(ErrorCode::OutputWrite, "cannot read back '" + path_ + "'", AVERROR(errno));
      if (got == 0) malformed();
      done += static_cast<size_t>(got);
    }
  }

  void write_byte(int64_t at, uint8_t value) const {
    for (;;) {
      const ssize_t put = ::pwrite(fd_, &value, 1, at);
      if (put == 1) return;
      if (put < 0 && errno == EINTR) continue;
      fail(ErrorCode::OutputWrite, "cannot write to '" + path_ + "'", AVERROR(put < 0 ? errno : EIO));
    }
  }

  // The boxes directly inside [from, to).
  std::vector<Box> children(int64_t from, int64_t to) const {
    std::vector<Box> list;
    for (int64_t at = from; at + 8 <= to;) {
      uint8_t h[16];
      read(at, h, 8);
      uint64_t size = be32(h);
      int64_t header = 8;
      if (size == 1) {
        read(at + 8, h + 8, 8);
        size = be64(h + 8);
        header = 16;
      } else if (size == 0) {
        size = static_cast<uint64_t>(to - at);
      }
      if (size < static_cast<uint64_t>(header) || size > static_cast<uint64_t>(to - at)) malformed();
      list.push_back({be32(h + 4), at + header, at + static_cast<int64_t>(size)});
      at += static_cast<int64_t>(size);
    }
    return list;
  }

  [[noreturn]] void malformed() const { fail(ErrorCode::Internal, "'" + path_ + "' is not the MP4 file the muxer should have written"); }

 private:
  std::string path_;
  int fd_;
  int64_t size_ = 0;
};

const Box* find(const std::vector<Box>& boxes, uint32_t type) {
  for (const Box& b : boxes) {
    if (b.type == type) return &b;
  }
  return nullptr;
}

struct Track {
  int64_t flags_byte;  // the low byte of tkhd's 24-bit flags, where "enabled" is bit 0
  uint32_t handler;
};

std::map<unsigned, Track> tracks_of(const BoxFile& f) {
  const std::vector<Box> top = f.children(0, f.size());
  const Box* moov = find(top, fourcc("moov"));
  if (!moov) f.malformed();
  std::map<unsigned, Track> tracks;
  for (const Box& trak : f.children(moov->body, moov->end)) {
    if (trak.type != fourcc("trak")) continue;
    const std::vector<Box> parts = f.children(trak.body, trak.end);
    const Box* tkhd = find(parts, fourcc("tkhd"));
    const Box* mdia = find(parts, fourcc("mdia"));
    if (!tkhd || !mdia || tkhd->end - tkhd->body < 24) f.malformed();
    uint8_t head[24];  // version, flags, times (32 or 64 bits), track ID
    f.read(tkhd->body, head, sizeof head);
    const unsigned id = be32(head + (head[0] == 1 ? 20 : 12));
    const std::vector<Box> media = f.children(mdia->body, mdia->end);  // find() points into it
    const Box* hdlr = find(media, fourcc("hdlr"));
    if (!hdlr || hdlr->end - hdlr->body < 12) f.malformed();
    uint8_t handler[12];  // version, flags, pre_defined, handler_type
    f.read(hdlr->body, handler, sizeof handler);
    tracks[id] = Track{tkhd->body + 3, be32(handler + 8)};
  }
  return tracks;
}

bool subtitle_handler(uint32_t h) {
  return h == fourcc("sbtl") || h == fourcc("subt") || h == fourcc("text") || h == fourcc("subp");
}

}  // namespace

void disable_mp4_subtitle_tracks(const std::string& path, const std::vector<unsigned>& track_ids) {
  if (track_ids.empty()) return;
  BoxFile f(path);
  const std::map<unsigned, Track> tracks = tracks_of(f);
  std::vector<int64_t> flags;
  for (unsigned id : track_ids) {
    const auto it = tracks.find(id);
    if (it == tracks.end()) continue;  // a track without samples is not written at all
    if (!subtitle_handler(it->second.handler)) {
      fail(ErrorCode::Internal, "track " + std::to_string(id) + " of '" + path + "' is not the subtitle track expected there");
    }
    flags.push_back(it->second.flags_byte);
  }
  for (int64_t at : flags) {
    uint8_t b;
    f.read(at, &b, 1);
    f.write_byte(at, static_cast<uint8_t>(b & ~0x01));
  }
}

}  // namespace dubarr
