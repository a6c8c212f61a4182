{
  # One target: the FFmpeg addon. libav* come from the system through pkg-config so the addon
  # always matches the ffmpeg CLI the tests compare against.
  "targets": [
    {
      "target_name": "dubarr_native",
      "sources": [
        "src/addon.cc",
        "src/errors.cc",
        "src/av_handles.cc",
        "src/cancel.cc",
        "src/js_bridge.cc",
        "src/input.cc",
        "src/output.cc",
        "src/audio_source.cc",
        "src/audio_writer.cc",
        "src/encoder_layouts.cc",
        "src/audio_args.cc",
        "src/probe.cc",
        "src/decode_to_file.cc",
        "src/decode_stream.cc",
        "src/encode_audio.cc",
        "src/filter_graph.cc",
        "src/filter_ops.cc",
        "src/subtitle_transcoder.cc",
        "src/extract_subtitle.cc",
        "src/remux_layout.cc",
        "src/remux_tags.cc",
        "src/mp4_track_flags.cc",
        "src/remux_inputs.cc",
        "src/remux_js.cc",
        "src/remux.cc",
        "src/video_source.cc",
        "src/thumbnail.cc",
        "src/clip_video.cc",
        "src/linked_versions.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++14", "-std=gnu++17"],
      "cflags": ["<!@(pkg-config --cflags libavformat libavcodec libavutil libswresample libavfilter libswscale)"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-missing-field-initializers"],
      "libraries": ["<!@(pkg-config --libs libavformat libavcodec libavutil libswresample libavfilter libswscale)"]
    }
  ]
}
