/**
 * Dub tracks already in a source: ours (our title, e.g. 'Español (AI dub)') or any audio track
 * flagged `dub`. A file dubbed in place carries them, and a job re-run after a crash between the
 * swap's rename and its end sees that file: the analysis must not take a dub for the speech to
 * dub, and the mux must not add a second dub of a language the file already has.
 */
import type { ProbeResult, StreamInfo } from '../../native/lib/index.js';
import { languageCode } from '../sdk/languages.js';
import { dubTitle } from './output-names.js';

export function isDubTrack(s: StreamInfo): boolean {
  if (s.type !== 'audio') return false;
  if (s.dispositions.dub) return true;
  const lang = languageCode(s.language);
  // MP4 keeps a track's title as its handler name.
  return lang !== undefined && (s.title ?? s.handlerName) === dubTitle(lang, 'dub');
}

/** ISO 639-1 codes of the languages `p` has a dub track in. */
export function dubbedLanguages(p: ProbeResult): Set<string> {
  return new Set(p.streams.filter(isDubTrack).flatMap((s) => languageCode(s.language) ?? []));
}
