/**
 * The dub tracks dubarr wrote into a file: a file dubbed in place carries them, and a job run
 * again on it (a retry, a later job for another language, a re-run after a crash) sees that
 * file. The analysis must not take our dub for the speech to dub, the mux must not add a second
 * dub of a language the file already has from us, and the in-place swap tells its own result
 * from the user's original by them.
 *
 * Ours are recognised by the title we give them (dubTitle: 'Español (AI dub)'), in the track's
 * language. The title is the one mark that survives both containers: MKV keeps it as the track
 * name, MP4 as the handler name (the addon writes both), whereas a tag of our own survives
 * only in MKV (the MP4 muxer drops stream tags it does not know). The `dub` disposition is no
 * mark of ours: it means "not the original language", and FFmpeg's Matroska reader sets it for
 * every track with FlagOriginal=0, which is how MKVToolNix users flag a studio's dub.
 */
import type { ProbeResult, StreamInfo } from '../../native/lib/index.js';
import { languageCode } from '../sdk/languages.js';
import { dubTitle } from './output-names.js';

export function isOurDubTrack(s: StreamInfo): boolean {
  if (s.type !== 'audio') return false;
  const lang = languageCode(s.language);
  return lang !== undefined && (s.title ?? s.handlerName) === dubTitle(lang, 'dub');
}

/** ISO 639-1 codes of the languages `p` has a dub track of ours in. */
export function dubbedLanguages(p: ProbeResult): Set<string> {
  return new Set(p.streams.filter(isOurDubTrack).flatMap((s) => languageCode(s.language) ?? []));
}

/** How many dub tracks of ours `p` carries. */
export function ourDubCount(p: ProbeResult): number {
  return p.streams.filter(isOurDubTrack).length;
}
