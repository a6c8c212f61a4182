/**
 * Mux: deliver the dub to the user's library in the chosen mode.
 *  - mux (default): a new file beside the source with every original stream copied and the dub
 *    tracks (and subtitles) added; the source is never touched.
 *  - sidecar: `Movie.es.mka` + `Movie.dubarr.es.srt` beside the untouched source.
 *  - inplace: the source replaced by an atomic, verified swap (see inplace-swap.ts), adding only
 *    the languages it does not already carry a dub of ours in (see dub-tracks.ts).
 * Subtitles (translated, and the source language's transcript) are also written as sidecars
 * named after the video, in the job's subtitleFormats (see subtitle-sidecars.ts).
 * With a lip-sync step (inputs `lipsync:<lang>`, files.video), the video written in mux and
 * in-place modes is the first target language's lip-synced picture, still stream-copied: a film
 * has one picture, and it follows the default dub (see lipsyncedVideo).
 */
import { basename } from 'node:path';
import { probeSync, remuxSync, type NewAudioTrack, type NewSubtitleTrack, type RemuxPlan } from '../../native/lib/index.js';
import { DubarrError } from '../sdk/errors.js';
import { languageCode, requireLanguage } from '../sdk/languages.js';
import { defineStage, type StageInput } from '../sdk/plugin.js';
import { dubbedLanguages } from './dub-tracks.js';
import { assertSwappable, swapInPlace, tempPathFor } from './inplace-swap.js';
import { clearInterruptedSwap } from './interrupted-swap.js';
import { MuxOptions } from './options.js';
import { dubTitle, dubVersionPath, sidecarPath } from './output-names.js';
import { verifyResult, whyNotResult } from './result-check.js';
import { writeSubtitleSidecars } from './subtitle-sidecars.js';
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

/**
 * The lip-synced video of the first target language (the default dub when defaultAudio is dub),
 * when the preset has a lipsync step and it re-rendered something; a later language's picture is
 * never used, since its mouths follow another dub.
 */
function lipsyncedVideo(input: StageInput, list: readonly Target[]): string | undefined {
  const first = list[0];
  return first ? input.inputs[`lipsync:${first.lang}`]?.files.video : undefined;
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

  let alreadyDubbed: string[] = [];
  if (mode === 'inplace') {
    // First, before the hard-link check (a backup an interrupted swap left is a second link to
    // the file) and before reading which dubs the file has (it may be that swap's result).
    const cleared = await clearInterruptedSwap(source);
    if (cleared) ctx.log.warn({ file: source }, cleared);
    const dubbed = dubbedLanguages(probeSync(source, { cancelFlag: ctx.cancelFlag }));
    alreadyDubbed = list.map((t) => t.lang).filter((lang) => dubbed.has(requireLanguage(lang).code));
    if (alreadyDubbed.length) ctx.log.info({ languages: alreadyDubbed }, `${basename(source)} already carries dubarr's dub in ${alreadyDubbed.join(', ')}: not added again`);
  }
  // The subtitles of every target are written as sidecars; the tracks only of those added.
  const adding = list.filter((t) => !alreadyDubbed.includes(t.lang));

  const audio: NewAudioTrack[] = adding.map((t) => ({
    path: t.track, language: requireLanguage(t.lang).iso6392B, title: dubTitle(t.lang, 'dub'),
    offset: t.offsetMs / 1000, dispositions: { dub: true },
  }));
  const defaults = trackDefaults(input.params);
  const embedded = opts.embedSubtitles
    ? adding.flatMap((t) => { const f = embeddedFile(t.subtitles, info.container); return f ? [{ lang: t.lang, file: f }] : []; })
    : [];
  const subtitles: NewSubtitleTrack[] = embedded.map(({ lang, file: [format, path] }, i) => ({
    path, format, language: requireLanguage(lang).iso6392B, title: dubTitle(lang, 'subtitles'), dispositions: subtitleDispositions(defaults, i),
  }));
  const picture = lipsyncedVideo(input, list);
  if (picture) ctx.log.info({ video: picture, language: list[0]!.lang }, 'the video is the lip-synced picture');
  const plan = (out: string): RemuxPlan => ({
    source, out, audio, subtitles, container: 'auto', ...(picture ? { video: picture } : {}),
    // `original` goes to the track the dub was made from, not simply the source's default one.
    markSourceOriginal: opts.markSourceOriginal ? info.audioStream : false,
    defaultAudio: remuxDefaultAudio(defaults),
    sourceStreams: sourceSubtitleTags(defaults, info, subtitles),
  });
  const verify = (path: string) => verifyResult(path, info, adding.length, ctx.cancelFlag);

  let video: string | undefined;
  let container: string | undefined;
  let fallbackReason: string | null = null;
  if (mode === 'mux') {
    const r = remuxSync(plan(dubVersionPath(source, list.map((t) => t.lang), outDir)), { cancelFlag: ctx.cancelFlag, onProgress: progress });
    verify(r.path);
    ({ path: video, container, fallbackReason } = r);
    written.push(r.path);
  } else if (mode === 'inplace' && adding.length === 0) {
    // Every language is there already (a re-run after a crash that came after the swap): nothing to replace.
    video = source;
    container = info.container;
  } else if (mode === 'inplace') {
    await assertSwappable(source, Boolean(input.params.forceInplaceHardlinked));
    const r = remuxSync(plan(tempPathFor(source)), { cancelFlag: ctx.cancelFlag, onProgress: progress });
    const swap = await swapInPlace(source, r.path, {
      forceHardlinked: Boolean(input.params.forceInplaceHardlinked), verify,
      whyNotEarlierResult: (path) => whyNotResult(path, info, adding.map((t) => requireLanguage(t.lang).code), ctx.cancelFlag),
    });
    for (const w of swap.warnings) ctx.log.warn({ file: source }, w);
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

  const transcript = input.inputs['source-subtitles'];
  const sourceLanguage = languageCode((transcript?.data as { language?: unknown } | null)?.language);
  const sidecars = [
    ...list.map((t) => ({ lang: t.lang, files: t.subtitles })),
    ...(sourceLanguage ? [{ lang: sourceLanguage, files: subtitleFiles(transcript?.files, chosenFormats(input.params)) }] : []),
  ];
  written.push(...await writeSubtitleSidecars({
    source, video: video ?? source, ownVideo: mode === 'mux', outDir: video ? undefined : outDir, sourceLanguage, log: ctx.log,
    // Without sidecars, none is chosen: beside our own video, those of an earlier run go.
    languages: opts.subtitleSidecars ? sidecars : sidecars.map((l) => ({ ...l, files: [] })),
  }));
  ctx.progress(1);
  const tracks = adding.map((t) => ({ language: t.lang, title: dubTitle(t.lang, 'dub') }));
  return { data: { mode, video, container, fallbackReason, written, tracks, alreadyDubbed } };
});
