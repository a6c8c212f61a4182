/**
 * film:assemble — the one MP4 of a film or podcast: the picture (the scenes' clips end to end,
 * or one video such as the podcast's speaker cards), an AAC track per language, captions per
 * language (a subtitle track each, or the first language's burned into the picture), chapters
 * (the scenes or sections), language-tagged, written beside the script or into outDir.
 */
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  DubarrError, GeneratedClipsSchema, defineStage, lookupLanguage, optionalDocument, parseOptions, requireDocument, Script, Timeline, Translation,
  throwIfCancelled, type Delivery,
} from '../sdk/index.js';
import { runFfmpeg } from '../sdk/ffmpeg-cli.js';
import { captionCues, ffmetadata, toSrt } from './caption-cues.js';
import { assertReplaceable, filmPath, MADE_BY, writeInPlace } from './film-output.js';
import { FilmOptions } from './options.js';

export interface Assembled extends Delivery {
  durationMs: number;
  languages: string[];
  captions: 'track' | 'burn';
  chapters: number;
}

export default defineStage<unknown, Assembled>(async (input, ctx) => {
  throwIfCancelled(ctx);
  const options = parseOptions(FilmOptions, input, 'film');
  const script = requireDocument(Script, input, 'script', 'a Script', 'film:assemble');
  const timeline = requireDocument(Timeline, input, 'timeline', 'a Timeline', 'film:assemble');
  const source = input.inputs.source!.files.media!;
  const out = filmPath(source, typeof input.params.outDir === 'string' ? input.params.outDir : undefined);
  await assertReplaceable(out);

  const args: string[] = [];
  const clips = optionalDocument(GeneratedClipsSchema, input, 'clips', 'GeneratedClips');
  if (clips) {
    const list = join(ctx.workDir, 'clips.txt');
    const files = input.inputs.clips!.files;
    const missing = timeline.scenes.find((s) => !files[s.id]);
    if (missing) throw new DubarrError('E_INVALID_ARGUMENT', `the video step made no clip '${missing.id}'`);
    await writeFile(list, timeline.scenes.map((s) => `file '${files[s.id]!.replace(/'/g, "'\\''")}'`).join('\n'));
    args.push('-f', 'concat', '-safe', '0', '-i', list);
  } else if (input.inputs.picture?.files.video) {
    args.push('-i', input.inputs.picture.files.video);
  } else {
    throw new DubarrError('E_INVALID_ARGUMENT', 'film:assemble needs the clips (inputs.clips) or a picture (inputs.picture)');
  }

  // A track per language from its mix, or (a recorded podcast) the recording's own audio.
  const recording = input.inputs.recording?.files.media;
  const languages = recording ? timeline.languages.slice(0, 1) : timeline.languages.filter((l) => input.inputs[`mix:${l}`]?.files.track);
  if (languages.length === 0) throw new DubarrError('E_INVALID_ARGUMENT', 'film:assemble has no audio track (inputs mix:<lang> or recording)');
  for (const l of languages) args.push('-i', recording ?? input.inputs[`mix:${l}`]!.files.track!);
  const srt: Array<{ file: string; language: string }> = [];
  for (const l of languages) {
    const lines = optionalDocument(Translation, input, `lines:${l}`, 'a Translation');
    // Without a language's lines (a recording), the script's own text is the caption.
    const text = new Map(lines ? lines.segments.map((s) => [s.id, s.target]) : script.scenes.flatMap((s) => s.lines).map((x) => [x.id, x.text]));
    const cues = captionCues(timeline, text);
    if (cues.length === 0) continue;
    const file = join(ctx.workDir, `captions-${l}.srt`);
    await writeFile(file, toSrt(cues));
    srt.push({ file, language: l });
  }
  const burn = options.captions === 'burn' && srt.length > 0;
  const tracks = burn ? [] : srt;
  for (const t of tracks) args.push('-i', t.file);
  const chapters = timeline.scenes.map((s, i) => {
    const scene = script.scenes.find((x) => x.id === s.id)!;
    return { start: s.start, end: s.end, title: scene.title ?? scene.prompt ?? `Scene ${i + 1}` };
  });
  const meta = join(ctx.workDir, 'metadata.txt');
  await writeFile(meta, ffmetadata(script.title, chapters, `${MADE_BY} ${basename(source)}`));
  args.push('-i', meta);
  const metaIndex = 1 + languages.length + tracks.length;

  const { width: w, height: h } = options;
  const picture = [`scale=${w}:${h}:force_original_aspect_ratio=decrease`, `pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2`, `fps=${timeline.fps}`, 'format=yuv420p'];
  if (burn) picture.push(`subtitles=filename='${srt[0]!.file.replace(/[\\':]/g, (c) => `\\${c}`)}':force_style='FontName=DejaVu Sans,Fontsize=18,Outline=1'`);
  args.push('-map', '0:v:0');
  languages.forEach((_, i) => args.push('-map', `${1 + i}:a:0`));
  tracks.forEach((_, i) => args.push('-map', `${1 + languages.length + i}:s:0`));
  args.push('-map_metadata', String(metaIndex), '-map_chapters', String(metaIndex));
  args.push('-vf', picture.join(','), '-c:v', 'libx264', '-preset', options.x264Preset, '-crf', String(options.crf), '-pix_fmt', 'yuv420p');
  args.push('-c:a', 'aac', '-b:a', `${options.audioKbps}k`, '-c:s', 'mov_text');
  // Tagged as players list them: ISO 639-2/B codes, the language's own name as the track title.
  const tag = (l: string) => {
    const x = lookupLanguage(l);
    return x ? { code: x.iso6392B, name: x.nativeName.charAt(0).toUpperCase() + x.nativeName.slice(1) } : { code: 'und', name: 'Speech' };
  };
  languages.forEach((l, i) => {
    args.push(`-metadata:s:a:${i}`, `language=${tag(l).code}`, `-metadata:s:a:${i}`, `handler_name=${tag(l).name}`, `-disposition:a:${i}`, i === 0 ? 'default' : '0');
  });
  tracks.forEach((t, i) => {
    const l = t.language;
    args.push(`-metadata:s:s:${i}`, `language=${tag(l).code}`, `-metadata:s:s:${i}`, `handler_name=${tag(l).name}`);
  });
  args.push('-t', (timeline.durationMs / 1000).toFixed(3), '-movflags', '+faststart', '-f', 'mp4');
  await writeInPlace(out, (tmp) => runFfmpeg(options.ffmpeg, [...args, tmp], ctx.signal).then(() => undefined));
  ctx.progress(1);
  return { data: { written: [out], video: out, durationMs: timeline.durationMs, languages, captions: burn ? 'burn' : 'track', chapters: chapters.length } };
});
