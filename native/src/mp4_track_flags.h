// The "enabled" flag of subtitle tracks in a finished MP4/MOV file. libav's MP4 muxer enables
// the first subtitle track when none is default (readers, ffprobe among them, then report it
// as default, and players show it over the film) and has no option to leave it off, so the
// flag is cleared afterwards: one byte of each named track's tkhd box, in place.
#pragma once

#include <string>
#include <vector>

namespace dubarr {

// Clears the enabled flag of the tracks with these track IDs (libav's MP4 muxer numbers
// track i as i + 1). Each must be a subtitle track (handler 'sbtl', 'subt' or 'text'), else
// nothing is changed and the call fails with ErrorCode::Internal.
void disable_mp4_subtitle_tracks(const std::string& path, const std::vector<unsigned>& track_ids);

}  // namespace dubarr
