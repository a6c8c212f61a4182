/**
 * podcast:speaker-cards — the podcast's picture: a card per speaker (name, colour), the one
 * talking highlighted while they talk, as one H.264 video the length of the timeline.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineStage, parseOptions, requireDocument, Script, Timeline, throwIfCancelled } from '../sdk/index.js';
import { runFfmpeg } from '../sdk/ffmpeg-cli.js';
import { PodcastOptions } from './options.js';
import { renderCard, talkSpans } from './speaker-cards.js';

export interface SpeakerCardsVideo { durationMs: number; speakers: Array<{ name: string; colour: string }>; spans: number }

export default defineStage<unknown, SpeakerCardsVideo>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const options = parseOptions(PodcastOptions, input, 'podcast');
  const script = requireDocument(Script, input, 'script', 'a Script', 'podcast:speaker-cards');
  const timeline = requireDocument(Timeline, input, 'timeline', 'a Timeline', 'podcast:speaker-cards');
  // Only who speaks gets a card, in order of first line.
  const talking = new Set(timeline.lines.map((l) => l.character));
  const speakers = script.characters.filter((c) => talking.has(c.name));
  const style = { width: options.width, height: options.height, background: options.background.toLowerCase(), idleBrightness: options.idleBrightness };
  const pictures = new Map<string | undefined, string>();
  for (const who of [undefined, ...speakers.map((s) => s.name)]) {
    const file = join(ctx.workDir, `card-${pictures.size}.png`);
    await renderCard(script.title, speakers, who, style, file);
    pictures.set(who, file);
  }
  const spans = talkSpans(timeline);
  const quote = (p: string) => `'${p.replace(/'/g, "'\\''")}'`;
  const list = spans.flatMap((s) => [`file ${quote(pictures.get(s.speaker)!)}`, `duration ${((s.end - s.start) / 1000).toFixed(3)}`]);
  // The concat demuxer takes the last picture's duration only when the picture is listed again.
  list.push(`file ${quote(pictures.get(spans.at(-1)!.speaker)!)}`);
  const listFile = join(ctx.workDir, 'cards.txt');
  await writeFile(listFile, list.join('\n'));
  const video = join(ctx.workDir, 'cards.mp4');
  await runFfmpeg(options.ffmpeg, [
    '-f', 'concat', '-safe', '0', '-i', listFile, '-vf', `fps=${timeline.fps},format=yuv420p`, '-t', (timeline.durationMs / 1000).toFixed(3),
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'stillimage', '-crf', String(options.crf), '-an', video,
  ], ctx.signal);
  ctx.progress(1);
  return { files: { video }, data: { durationMs: timeline.durationMs, speakers: speakers.map((s) => ({ name: s.name, colour: s.colour })), spans: spans.length } };
});
