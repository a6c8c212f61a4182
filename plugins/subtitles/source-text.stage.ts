/**
 * subtitles:source-text — the source-language transcript from existing subtitles: an
 * already-extracted stream (inputs.subtitles) first, then sidecar files beside the video in
 * rank order. The first file that yields a usable transcript wins; when none does, the stage
 * is not applicable and the runtime falls back to ASR.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DubarrError, defineStage, lookupLanguage, throwIfCancelled, type Logger, type SpeechSegments, type Transcript } from '../sdk/index.js';
import { alignToSpeech } from './align.js';
import { cuesToSegments, type TextSegment } from './cue-segments.js';
import { decodeSubtitleBytes } from './decode.js';
import { discoverSidecars, listSidecarFiles } from '../sdk/sidecar-discovery.js';
import { parseSubtitleText } from './parse.js';
import type { SubtitleFormat } from '../sdk/sidecar-name.js';
import { MIN_SPEECH_COVERAGE, speechCoverage } from './speech-coverage.js';
import { readExtracted, readLanguageHint, readMediaPath, readOptions, readSourceLanguage, readSpeech } from './stage-inputs.js';

/** Larger files are not subtitles (or not ones worth reading into memory). */
const MAX_SUBTITLE_BYTES = 20 * 1024 * 1024;

interface Candidate {
  path: string;
  /** For the transcript's source detail and logs. */
  label: string;
  /** What the file or stream is labelled (or, untagged, the job's given language); undefined when nothing says. */
  language?: string;
  format?: SubtitleFormat;
}

export default defineStage<unknown, Transcript>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const options = readOptions(input);
  const sourceLanguage = readSourceLanguage(input);
  const hint = readLanguageHint(input);
  const speech = readSpeech(input);
  const extracted = readExtracted(input);
  const media = readMediaPath(input);
  if (!options.enabled) throw new DubarrError('E_NOT_APPLICABLE', 'Existing subtitles are disabled (subtitles.enabled: false); using speech recognition.');
  if (!extracted && !media) throw new DubarrError('E_INVALID_ARGUMENT', 'source-text needs inputs.source.files.media or inputs.subtitles');

  const candidates: Candidate[] = [];
  const rejected: string[] = [];
  if (extracted) {
    if (extracted.forced && !options.allowForced) rejected.push('the extracted stream is forced (foreign-language lines only)');
    else if (sourceLanguage && extracted.language && extracted.language !== sourceLanguage) rejected.push(`the extracted stream is in '${extracted.language}', not '${sourceLanguage}'`);
    else candidates.push({ path: extracted.path, label: 'extracted stream', language: extracted.language ?? sourceLanguage, format: extracted.format });
  }
  if (media) {
    await stat(media).catch((e: unknown) => {
      throw new DubarrError('E_INPUT_NOT_FOUND', `The media file ${media} does not exist or cannot be read`, { cause: e });
    });
    const files = await listSidecarFiles(media);
    const ranked = discoverSidecars(basename(media), files, {
      sourceLanguage, preferredLanguage: hint, preferSdh: options.preferSdh, allowForced: options.allowForced,
    });
    for (const c of ranked) candidates.push({ path: join(dirname(media), c.path), label: `sidecar ${c.path}`, language: c.language, format: c.tags.format });
  }
  ctx.progress(0.2, `${candidates.length} subtitle candidate(s)`);

  for (const c of candidates) {
    throwIfCancelled(ctx);
    const got = await readCandidate(c, speech, ctx.log);
    if (typeof got === 'string') { rejected.push(`${c.label}: ${got}`); continue; }
    const aligned = speech ? alignToSpeech(got.segments, speech.segments, { toleranceMs: options.alignToleranceMs }) : got.segments;
    ctx.progress(1);
    if (!c.language) ctx.log.info({ file: c.path }, 'subtitles not labelled with a language: the source-language step identifies it from the text');
    return { data: toTranscript(aligned, c, got.detail) };
  }
  const where = media ? `next to ${basename(media)} (or in Subs/, Subtitles/)` : 'in the extracted stream';
  const tried = rejected.length ? ` Tried: ${rejected.join('; ')}.` : '';
  const which = sourceLanguage ? `${lookupLanguage(sourceLanguage)?.name ?? sourceLanguage} ` : '';
  throw new DubarrError('E_NOT_APPLICABLE', `No usable ${which}subtitles ${where}; speech recognition is used instead.${tried}`, { details: { rejected } });
});

/** The candidate's segments, or why it cannot be used. */
async function readCandidate(c: Candidate, speech: SpeechSegments | undefined, log: Logger): Promise<{ segments: TextSegment[]; detail: string } | string> {
  let bytes: Buffer;
  try {
    const st = await stat(c.path);
    if (st.size > MAX_SUBTITLE_BYTES) return `too large for a subtitle file (${st.size} bytes)`;
    bytes = await readFile(c.path);
  } catch (e) {
    return `cannot be read (${(e as Error).message})`;
  }
  const { text, encoding } = decodeSubtitleBytes(bytes);
  const parsed = parseSubtitleText(text, c.format);
  if (parsed.warnings.length) {
    log.warn({ file: c.path, count: parsed.warnings.length, first: parsed.warnings.slice(0, 5) }, 'skipped malformed subtitle cues');
  }
  const { segments, emptyCues } = cuesToSegments(parsed.cues);
  if (segments.length === 0) return parsed.cues.length ? 'no dialogue left after cleaning' : parsed.warnings[0] ?? 'no cues';
  const coverage = speech ? speechCoverage(segments, speech.segments) : undefined;
  if (coverage !== undefined && coverage < MIN_SPEECH_COVERAGE) {
    return `covers only ${Math.round(coverage * 100)}% of the detected speech (forced or partial subtitles?)`;
  }
  const notes: string[] = [parsed.format, encoding];
  if (parsed.warnings.length) notes.push(`${parsed.warnings.length} malformed cue(s) skipped`);
  if (emptyCues) notes.push(`${emptyCues} non-dialogue cue(s) dropped`);
  return { segments, detail: `${c.label} (${notes.join(', ')})` };
}

function toTranscript(segments: readonly TextSegment[], c: Candidate, detail: string): Transcript {
  return {
    ...(c.language ? { language: c.language } : {}),
    source: { kind: 'subtitles', provider: 'subtitles', detail },
    segments: segments.map((s, i) => ({
      id: `s${String(i + 1).padStart(4, '0')}`,
      start: s.start,
      end: s.end,
      text: s.text,
      ...(s.speaker ? { speaker: s.speaker } : {}),
    })),
  };
}
