import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { ProbeResult } from '../../native/lib/index.js';
import { languageCode } from '../../plugins/sdk/languages.js';
import { DUB_VERSION_PATTERN } from '../../plugins/sdk/sidecar-name.js';

/** Audio files a sidecar dub may be: the mux's `.mka` and what other tools write beside a video. */
const AUDIO_SIDECAR_EXTS = new Set(['.mka', '.m4a', '.aac', '.ac3', '.eac3', '.dts', '.flac', '.opus', '.ogg', '.mp3', '.wav']);

/**
 * The languages the file can already be heard in (ISO 639-1): its audio tracks' language tags
 * (commentary and audio description are not the film in that language), audio sidecars named
 * after it (`Movie.es.mka`, as the mux's sidecar mode writes them) and dubbed versions beside it
 * (`Movie - dub es ca.mkv`, as mux mode writes them), in its folder and in `outDir`.
 * Subtitles do not count: a subtitle is no dub. `stale`: files beside it that do not count, what
 * dubarr made from the bytes the file held before (a replaced release's dub is not this one's).
 */
export async function languagesPresent(path: string, probed: ProbeResult, outDir?: string, stale: ReadonlySet<string> = new Set()): Promise<Set<string>> {
  const found = new Set(audioTrackLanguages(probed));
  for (const dir of new Set([dirname(path), ...(outDir ? [outDir] : [])])) {
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => !stale.has(join(dir, n)));
    for (const l of languagesInNames(path, names)) found.add(l);
  }
  return found;
}

export function audioTrackLanguages(probed: ProbeResult): string[] {
  return probed.streams
    .filter((s) => s.type === 'audio' && !s.dispositions.comment && !s.dispositions.visualImpaired)
    .flatMap((s) => languageCode(s.language) ?? []);
}

/** Languages of the audio sidecars and dubbed versions of `video` among `names` (file names in one folder). */
export function languagesInNames(video: string, names: readonly string[]): string[] {
  const stem = basename(video, extname(video)).toLowerCase();
  const out: string[] = [];
  for (const name of names) {
    const lower = name.toLowerCase();
    const ext = extname(lower);
    if (lower.startsWith(`${stem} - dub `) && DUB_VERSION_PATTERN.test(name)) {
      out.push(...lower.slice(stem.length + ' - dub '.length, -ext.length).split(' ').flatMap((t) => languageCode(t) ?? []));
    } else if (lower.startsWith(`${stem}.`) && AUDIO_SIDECAR_EXTS.has(ext)) {
      const tags = lower.slice(stem.length + 1, -ext.length).split('.');
      const lang = tags.map((t) => languageCode(t)).find((l) => l !== undefined);
      if (lang) out.push(lang);
    }
  }
  return out;
}
