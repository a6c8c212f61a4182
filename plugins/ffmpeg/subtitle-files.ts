/**
 * Which of a target's subtitle files the mux writes beside the video (the job's
 * `subtitleFormats`, of those the subtitle step wrote) and which one it embeds: Matroska keeps
 * ASS with its styles; MP4 turns any text subtitle into mov_text and WebM into WebVTT, best
 * from the plainest source.
 */
import { SUBTITLE_OUTPUT_FORMATS, subtitleFormatsParam, type SubtitleOutputFormat } from '../sdk/subtitle-output-formats.js';

export type SubtitleFile = readonly [SubtitleOutputFormat, string];

/** The job's choice, in its order; without one, every format the subtitle step wrote. */
export function chosenFormats(params: Readonly<Record<string, unknown>>): readonly SubtitleOutputFormat[] {
  return subtitleFormatsParam(params, 'mux') ?? SUBTITLE_OUTPUT_FORMATS;
}

/** The chosen formats the subtitle step has a file for. */
export function subtitleFiles(files: Readonly<Record<string, string>> | undefined, chosen: readonly SubtitleOutputFormat[]): SubtitleFile[] {
  return chosen.flatMap((f) => (files?.[f] ? [[f, files[f]] as const] : []));
}

const EMBED_ORDER: Readonly<Record<string, readonly SubtitleOutputFormat[]>> = {
  mp4: ['srt', 'vtt', 'ass'], mov: ['srt', 'vtt', 'ass'], webm: ['vtt', 'srt', 'ass'],
};

/** The file to embed in an output of `container` (the source's; anything else is written as MKV). */
export function embeddedFile(files: readonly SubtitleFile[], container: string): SubtitleFile | undefined {
  const order = EMBED_ORDER[container] ?? ['ass', 'srt', 'vtt'];
  for (const f of order) {
    const found = files.find(([format]) => format === f);
    if (found) return found;
  }
  return undefined;
}
