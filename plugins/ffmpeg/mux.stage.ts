/**
 * Mux: deliver the dub to the user's library in the chosen mode.
 *  - mux (default): a new file beside the source with every original stream copied and the dub
 *    tracks (and subtitles) added; the source is never touched.
 *  - sidecar: `Movie.es.mka` + `Movie.es.srt` beside the untouched source.
 *  - inplace: the source replaced by an atomic, verified swap (see inplace-swap.ts).
 * Subtitles (translated, and the source language's transcript) are also written as sidecars
 * named after the video, in the job's subtitleFormats.
 */
import { copyFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { probeSync, remuxSync, type NewAudioTrack, type NewSubtitleTrack, type RemuxPlan } from '../../native/lib/index.js';
import { DubarrError } from '../sdk/errors.js';
import { languageCode, requireLanguage } from '../sdk/languages.js';
import { DUB_VERSION_PATTERN } from '../sdk/sidecar-name.js';
import { defineStage, type StageInput } from '../sdk/plugin.js';
import { assertSwappable, swapInPlace, tempPathFor } from './inplace-swap.js';
import { MuxOptions } from './options.js';
import { dubTitle, dubVersionPath, sidecarPath } from './output-names.js';
import { mediaInfo, sourcePath } from './stage-inputs.js';
import { chosenFormats, embeddedFile, subtitleFiles, type SubtitleFile } from './subtitle-files.js';
import { remuxDefaultAudio, sidecarTrackDispositions, sourceSubtitleTags, subtitleDispositions, trackDefaults } from './track-defaults.js';

interface Target { lang: string; track: string; offsetMs: number; subtitles: SubtitleFile[] }

function targets(input: StageInput): Target[] {
  const formats = chosenFormats(input.params);
  const langs = input.params.targetLanguages;
  if (!Array.isArray(langs) || langs.length === 0) throw new DubarrError('E_INVALID_ARGUMENT', 'mux needs params.targetLanguages');
  return (langs as string[]).map((lang) => {
    const mix = input.inputs[`mix:${lang}`];
    if (!mix?.files.track) throw new DubarrError('E_INVALID_ARGUMENT', `mux needs inputs.mix:${lang} with files.track`);
    const subs = input.inputs[`subtitles:${lang}`];
    const offsetMs = Number((mix.data as { offsetMs?: number } | null)?.offsetMs ?? 0);
    return { lang, track: mix.files.track, offsetMs, subtitles: subtitleFiles(subs?.files, formats) };
  });
}

export default defineStage(async (input, ctx) => {
  const opts = MuxOptions.parse(input.options ?? {});
  const source = sourcePath(input);
  const info = mediaInfo(input);
  const list = targets(input);
  const mode = (input.params.mode as string | undefined) ?? 'mux';
  const outDir = (input.params.outDir as string | undefined) || undefined;
  const progress = (p: { seconds: number }) => { if (info.durationMs > 0) ctx.progress(Math.min(0.95, (p.seconds * 1000) / info.durationMs), 'writing'); };
  const written: string[] = [];

  const audio: NewAudioTrack[] = list.map((t) => ({
    path: t.track, language: requireLanguage(t.lang).iso6392B, title: dubTitle(t.lang, 'dub'),
    offset: t.offsetMs / 1000, dispositions: { dub: true },
  }));
  const defaults = trackDefaults(input.params);
  const embedded = opts.embedSubtitles
    ? list.flatMap((t) => { const f = embeddedFile(t.subtitles, info.container); return f ? [{ lang: t.lang, file: f }] : []; })
    : [];
  const subtitles: NewSubtitleTrack[] = embedded.map(({ lang, file: [format, path] }, i) => ({
    path, format, language: requireLanguage(lang).iso6392B, title: dubTitle(lang, 'subtitles'), dispositions: subtitleDispositions(defaults, i),
  }));
  const plan = (out: string): RemuxPlan => ({
    source, out, audio, subtitles, container: 'auto',
    // `original` goes to the track the dub was made from, not simply the source's default one.
    markSourceOriginal: opts.markSourceOriginal ? info.audioStream : false,
    defaultAudio: remuxDefaultAudio(defaults),
    sourceStreams: sourceSubtitleTags(defaults, info, subtitles),
  });
  const expectedAudio = info.audioStreams + list.length;
  const verify = (path: string) => {
    const p = probeSync(path, { cancelFlag: ctx.cancelFlag });
    const n = p.streams.filter((s) => s.type === 'audio').length;
    const durationMs = (p.duration ?? 0) * 1000;
    if (n !== expectedAudio) throw new DubarrError('E_OUTPUT_WRITE', `${path}: expected ${expectedAudio} audio tracks, found ${n}`);
    if (info.durationMs > 0 && Math.abs(durationMs - info.durationMs) > 1000) {
      throw new DubarrError('E_OUTPUT_WRITE', `${path}: duration ${Math.round(durationMs)} ms differs from the source's ${info.durationMs} ms`);
    }
  };

  let video: string | undefined;
  let container: string | undefined;
  let fallbackReason: string | null = null;
  if (mode === 'mux') {
    const r = remuxSync(plan(dubVersionPath(source, list.map((t) => t.lang), outDir)), { cancelFlag: ctx.cancelFlag, onProgress: progress });
    verify(r.path);
    ({ path: video, container, fallbackReason } = r);
    written.push(r.path);
  } else if (mode === 'inplace') {
    await assertSwappable(source, Boolean(input.params.forceInplaceHardlinked));
    const r = remuxSync(plan(tempPathFor(source)), { cancelFlag: ctx.cancelFlag, onProgress: progress });
    const swap = await swapInPlace(source, r.path, { forceHardlinked: Boolean(input.params.forceInplaceHardlinked), verify });
    for (const w of swap.warnings) ctx.log.warn(w);
    video = swap.path;
    ({ container, fallbackReason } = r);
    written.push(video);
  } else if (mode === 'sidecar') {
    for (const t of list) {
      const out = sidecarPath(source, t.lang, 'mka', outDir);
      const r = remuxSync({
        source: t.track, out, container: 'mkv',
        sourceStreams: [{ index: 0, language: requireLanguage(t.lang).iso6392B, title: dubTitle(t.lang, 'dub'), dispositions: sidecarTrackDispositions(defaults) }],
      }, { cancelFlag: ctx.cancelFlag });
      written.push(r.path);
    }
  } else {
    throw new DubarrError('E_INVALID_ARGUMENT', `Unknown output mode '${mode}': use mux, sidecar or inplace`);
  }

  if (opts.subtitleSidecars) {
    const base = video ?? source;
    const dir = video ? undefined : outDir;
    for (const t of list) {
      const tag = sidecarTag(base, t.lang, t.subtitles.map(([ext]) => ext), dir);
      for (const [ext, file] of t.subtitles) {
        const dest = sidecarPath(base, t.lang, ext, dir, tag);
        await copyFile(file, dest);
        written.push(dest);
      }
    }
    const transcript = input.inputs['source-subtitles'];
    const srcLang = languageCode((transcript?.data as { language?: unknown } | null)?.language);
    if (srcLang) {
      for (const [ext, file] of subtitleFiles(transcript?.files, chosenFormats(input.params))) {
        const dest = sidecarPath(base, srcLang, ext, dir);
        // A source-language sidecar may be the user's own subtitles (they may be what we read): keep it.
        if (!existsSync(dest)) { await copyFile(file, dest); written.push(dest); }
      }
    }
  }
  ctx.progress(1);
  return { data: { mode, video, container, fallbackReason, written, tracks: list.map((t) => ({ language: t.lang, title: dubTitle(t.lang, 'dub') })) } };
});

/**
 * No extra tag (`Movie.es.srt`), unless a sidecar of that language already exists beside a
 * source we did not write (it may be the user's own): then 'dubarr' for every format
 * (`Movie.es.dubarr.srt`), so the SRT and VTT of one run keep one name.
 */
function sidecarTag(video: string, lang: string, exts: readonly string[], outDir?: string): string | undefined {
  if (DUB_VERSION_PATTERN.test(video)) return undefined;
  return exts.some((ext) => existsSync(sidecarPath(video, lang, ext, outDir))) ? 'dubarr' : undefined;
}
