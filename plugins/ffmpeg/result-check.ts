/**
 * The check a muxed result must pass before it counts as delivered: it holds the source's audio
 * tracks plus the dubs added, and lasts as long as the source. The mux stage runs it on what it
 * wrote; the in-place swap runs it again at the final path, and on files an interrupted swap
 * left behind, to tell a finished result from one that may not be whole.
 */
import { probeSync, type ProbeResult } from '../../native/lib/index.js';
import { DubarrError } from '../sdk/errors.js';
import { dubbedLanguages } from './dub-tracks.js';

/** Remuxing moves the end by a frame or a packet; a result a second off is not the source plus a dub. */
const DURATION_TOLERANCE_MS = 1000;

/** What a result is checked against: the source's audio track count and duration (0: unknown, not checked). */
export interface ResultSource {
  audioStreams: number;
  durationMs: number;
}

function audioCount(p: ProbeResult): number {
  return p.streams.filter((s) => s.type === 'audio').length;
}

/**
 * How long the file plays. libav reports a Matroska file's duration as its Duration element,
 * which the muxer writes as the end time measured from 0, so a file whose timeline starts later
 * (an MPEG-TS recording starts at 1.4 s, or hours in) plays for that minus its start; for the
 * other containers libav reports the end minus the start already.
 */
function durationMsOf(p: ProbeResult): number {
  const duration = p.duration ?? 0;
  const start = /matroska|webm/.test(p.container) && duration > 0 ? Math.max(0, p.startTime ?? 0) : 0;
  return (duration - start) * 1000;
}

/** The source's figures, from its probe. */
export function resultSourceOf(p: ProbeResult): ResultSource {
  return { audioStreams: audioCount(p), durationMs: durationMsOf(p) };
}

/** Throws E_OUTPUT_WRITE, saying what differs, unless `result` is `source` with `added` audio tracks more. */
export function checkResult(result: ProbeResult, source: ResultSource, added: number): void {
  const expected = source.audioStreams + added;
  const n = audioCount(result);
  if (n !== expected) throw new DubarrError('E_OUTPUT_WRITE', `${result.path}: expected ${expected} audio tracks, found ${n}`);
  const durationMs = durationMsOf(result);
  if (source.durationMs > 0 && Math.abs(durationMs - source.durationMs) > DURATION_TOLERANCE_MS) {
    throw new DubarrError('E_OUTPUT_WRITE', `${result.path}: duration ${Math.round(durationMs)} ms differs from the source's ${Math.round(source.durationMs)} ms`);
  }
}

/** checkResult on the file at `path`; a file that cannot be read back is a failed write too (E_OUTPUT_WRITE). */
export function verifyResult(path: string, source: ResultSource, added: number, cancelFlag?: Int32Array): void {
  let p: ProbeResult;
  try {
    p = probeSync(path, { cancelFlag });
  } catch (e) {
    if ((e as { code?: unknown }).code === 'E_CANCELLED') throw e;
    throw new DubarrError('E_OUTPUT_WRITE', `${path} cannot be read back: ${(e as Error).message}`, { cause: e });
  }
  checkResult(p, source, added);
}

/**
 * Why the file at `path` is not a result this job would deliver: the source's audio tracks plus
 * a dub of ours in each of `languages`, the source's duration. Undefined when it is one.
 * Phrased to follow "<path> already exists and ".
 */
export function whyNotResult(path: string, source: ResultSource, languages: readonly string[], cancelFlag?: Int32Array): string | undefined {
  let p: ProbeResult;
  try {
    p = probeSync(path, { cancelFlag });
  } catch (e) {
    if ((e as { code?: unknown }).code === 'E_CANCELLED') throw e;
    return `cannot be read as media (${(e as Error).message}), so dubarr did not write it`;
  }
  const ours = dubbedLanguages(p);
  if (ours.size === 0) return 'carries no dub track of dubarr\'s, so dubarr did not write it';
  const missing = languages.filter((l) => !ours.has(l));
  if (missing.length > 0) return `carries dubarr's dub tracks, but none in ${missing.join(', ')}: it is not this job's result`;
  try {
    checkResult(p, source, languages.length);
    return undefined;
  } catch (e) {
    return `carries dubarr's dub tracks, but is not this job's result (${(e as Error).message})`;
  }
}
