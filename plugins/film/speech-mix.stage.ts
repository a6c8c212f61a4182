/**
 * film:speech-mix — one language's audio: each line's speech at its place on the timeline over
 * the music bed (when there is one), 48 kHz stereo, exactly the film's length, peaks held
 * under -1 dBFS. One ffmpeg run whose filter graph is written to a file, so a long script does
 * not make a long command line.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  GeneratedMusicSchema, defineStage, optionalDocument, parseOptions, requireDocument, SynthesizedSegments, Timeline, throwIfCancelled,
} from '../sdk/index.js';
import { runFfmpeg } from '../sdk/ffmpeg-cli.js';
import { FilmOptions } from './options.js';

export interface SpeechTrack { language: string; durationMs: number; lines: number; music: string }

export default defineStage<unknown, SpeechTrack>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const options = parseOptions(FilmOptions, input, 'film');
  const speech = requireDocument(SynthesizedSegments, input, 'speech', 'SynthesizedSegments', 'film:speech-mix');
  const timeline = requireDocument(Timeline, input, 'timeline', 'a Timeline', 'film:speech-mix');
  const bed = optionalDocument(GeneratedMusicSchema, input, 'music', 'GeneratedMusic');
  const at = new Map(timeline.lines.map((l) => [l.id, l.start]));
  const args: string[] = [];
  const graph: string[] = [];
  const mixed: string[] = [];
  speech.segments.forEach((s, k) => {
    args.push('-i', input.inputs.speech!.files[s.file]!);
    const start = at.get(s.id) ?? 0;
    graph.push(`[${k}:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,adelay=${start}|${start}[s${k}]`);
    mixed.push(`[s${k}]`);
  });
  const seconds = (timeline.durationMs / 1000).toFixed(3);
  if (bed && input.inputs.music?.files.music) {
    args.push('-i', input.inputs.music.files.music);
    graph.push(`[${speech.segments.length}:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo[bed]`);
    mixed.push('[bed]');
  } else {
    // Nothing under the speech: silence, so the track lasts the film even where no one speaks.
    graph.push(`anullsrc=r=48000:cl=stereo,atrim=end=${seconds}[bed]`);
    mixed.push('[bed]');
  }
  graph.push(`${mixed.join('')}amix=inputs=${mixed.length}:normalize=0:duration=longest,alimiter=limit=0.891:level=false,apad,atrim=end=${seconds}[out]`);
  const script = join(ctx.workDir, 'mix.filtergraph');
  await writeFile(script, graph.join(';\n'));
  const track = join(ctx.workDir, `track-${speech.language}.wav`);
  await runFfmpeg(options.ffmpeg, [...args, '-filter_complex_script', script, '-map', '[out]', '-c:a', 'pcm_s16le', track], ctx.signal);
  ctx.progress(1);
  return {
    files: { track },
    data: { language: speech.language, durationMs: timeline.durationMs, lines: speech.segments.length, music: bed?.made ?? 'none' },
  };
});
