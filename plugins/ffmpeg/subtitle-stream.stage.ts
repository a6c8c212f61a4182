/**
 * Embedded subtitles in the source language, extracted for the subtitles provider. A file
 * with none returns no file (the provider then looks for sidecars, and ASR runs if that fails).
 */
import { join } from 'node:path';
import { extractSubtitleSync } from '../../native/lib/index.js';
import { languageCode } from '../sdk/languages.js';
import { defineStage, type StageResult } from '../sdk/plugin.js';
import type { SubtitleStreamInfo } from './media-info.js';
import { mediaInfo, sourcePath } from './stage-inputs.js';

/** Full dialogue subtitles in `lang`: never forced ones (they cover foreign lines only); plain before SDH. */
export function chooseSubtitleStream(streams: readonly SubtitleStreamInfo[], lang: string | undefined): SubtitleStreamInfo | undefined {
  const usable = streams.filter((s) => s.text && !s.forced && (lang ? s.language === lang : true));
  const tagged = lang ? usable : usable.filter((s) => s.language === undefined || s.language === 'en');
  return tagged.find((s) => !s.hearingImpaired) ?? tagged[0];
}

export default defineStage(async (input, ctx): Promise<StageResult> => {
  const info = mediaInfo(input);
  const lang = languageCode(input.params.sourceLanguage) ?? info.language;
  const chosen = chooseSubtitleStream(info.subtitleStreams, lang);
  if (!chosen) return { data: { found: false } };
  const format = chosen.codec === 'ass' || chosen.codec === 'ssa' ? 'ass' : 'srt';
  const out = join(ctx.workDir, `embedded.${format}`);
  const r = extractSubtitleSync(sourcePath(input), chosen.index, out, format, {
    cancelFlag: ctx.cancelFlag,
    // The whole file is read (subtitle packets are interleaved with the rest): minutes for a film on a slow disk.
    onProgress: (p) => {
      const total = p.totalSeconds ?? info.durationMs / 1000;
      if (total > 0) ctx.progress(Math.min(0.99, p.seconds / total), 'extracting subtitles');
    },
  });
  if (r.events === 0) return { data: { found: false, emptyStream: chosen.index } };
  return {
    files: { subtitles: out },
    data: { found: true, streamIndex: chosen.index, language: chosen.language ?? lang, format, forced: false, sdh: chosen.hearingImpaired },
  };
});
