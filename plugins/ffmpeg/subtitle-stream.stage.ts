/**
 * Embedded subtitles in the source language, extracted for the subtitles provider. A file
 * with none returns no file (the provider then looks for sidecars, and ASR runs if that fails).
 */
import { join } from 'node:path';
import { extractSubtitleSync } from '../../native/lib/index.js';
import { languageCode } from '../sdk/languages.js';
import { defineStage, type StageResult } from '../sdk/plugin.js';
import { languageParam } from '../sdk/stage-input.js';
import type { SubtitleStreamInfo } from './media-info.js';
import { mediaInfo, sourcePath } from './stage-inputs.js';

/**
 * Full dialogue subtitles, never forced ones (they cover foreign lines only), plain before SDH.
 * With a given language (`lang`), only streams in it. Without one: streams in the hinted
 * language (the audio's tag, which may be wrong), else untagged or English ones.
 */
export function chooseSubtitleStream(streams: readonly SubtitleStreamInfo[], lang: string | undefined, hint?: string): SubtitleStreamInfo | undefined {
  const usable = streams.filter((s) => s.text && !s.forced);
  const pick = (list: SubtitleStreamInfo[]) => list.find((s) => !s.hearingImpaired) ?? list[0];
  if (lang) return pick(usable.filter((s) => s.language === lang));
  return (hint ? pick(usable.filter((s) => s.language === hint)) : undefined)
    ?? pick(usable.filter((s) => s.language === undefined || s.language === 'en'));
}

export default defineStage(async (input, ctx): Promise<StageResult> => {
  const info = mediaInfo(input);
  const lang = languageCode(languageParam(input, 'sourceLanguage'));
  const chosen = chooseSubtitleStream(info.subtitleStreams, lang, lang ? undefined : info.language);
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
