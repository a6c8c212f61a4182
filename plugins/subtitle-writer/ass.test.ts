/**
 * ASS output: FFmpeg reads it back to the same cues as the SRT of the same run (times to
 * ASS's centisecond), its styles are the dubbed language's and one per speaker in the speaker
 * colours, and libass (the renderer Jellyfin and mpv use) draws each speaker in that colour.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import subsrt from 'subsrt-ts';
import { DubarrError, type Translation } from '../sdk/index.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import { assColour, SPEAKER_COLOURS } from './ass-format.js';
import plugin from './index.js';

const def = findStage(plugin, 'subtitle-writer:subtitle');

/** A conversation between A and B, a line nobody is named for, and text ASS would misread. */
function conversation(): Translation {
  const lines: Array<[number, number, string, string | undefined]> = [
    [1000, 3500, 'Buenos días, ¿has visto el puente nuevo esta mañana?', 'A'],
    [3600, 6000, 'Sí, lo crucé con los niños de camino a la escuela.', 'B'],
    [7000, 9500, 'Dicen que aguanta camiones de cuarenta toneladas.', 'A'],
    [10000, 12000, 'Nadie lo sabe con certeza.', undefined],
    [13000, 15500, 'Llaves {rotas}, una barra \\ y comas, muchas.', 'B'],
    // Too short to read apart: one cue, a dialogue line each.
    [16000, 16300, '¿Vienes?', 'A'],
    [16350, 16600, '¡Claro!', 'B'],
  ];
  return {
    sourceLanguage: 'en', targetLanguage: 'es', provider: 'test',
    segments: lines.map(([start, end, target, speaker], i) => ({ id: `u${i}`, start, end, text: `source ${i}`, target, ...(speaker ? { speaker } : {}) })),
  };
}

async function written(formats: unknown, t: Translation = conversation()) {
  const run = await runStageForTest(def, { options: {}, params: { subtitleFormats: formats }, inputs: { translation: outputOf({}, t) } });
  return { files: run.result.files ?? {}, workDir: run.workDir };
}

interface Cue { start: number; end: number; text: string; colour?: string }
function srtCues(srt: string): Cue[] {
  return subsrt.parse(srt, { format: 'srt' })
    .filter((c): c is Extract<typeof c, { type: 'caption' }> => c.type === 'caption')
    .map((c) => ({
      start: c.start, end: c.end,
      text: c.content.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim(),
      colour: /color="#([0-9a-f]{6})"/i.exec(c.content)?.[1]?.toUpperCase(),
    }));
}

/** [V4+ Styles] and [Events] rows as field maps, by the sections' own Format lines. */
function section(ass: string, name: string, kind: string): Array<Record<string, string>> {
  const body = ass.split(`[${name}]\n`)[1]!.split('\n\n')[0]!.split('\n');
  const fields = body.find((l) => l.startsWith('Format: '))!.slice(8).split(',').map((f) => f.trim());
  return body.filter((l) => l.startsWith(`${kind}: `)).map((l) => {
    const values = l.slice(kind.length + 2).split(',');
    const row = Object.fromEntries(fields.slice(0, -1).map((f, i) => [f, values[i]!]));
    row[fields.at(-1)!] = values.slice(fields.length - 1).join(',');
    return row;
  });
}

test('ASS is read back by FFmpeg as the SRT cues of the same run, to the centisecond', async () => {
  const { files, workDir } = await written(['srt', 'ass']);
  try {
    assert.deepEqual(Object.keys(files).sort(), ['ass', 'srt']);
    assert.match(files.ass!, /subtitles\.es\.ass$/);
    const fromAss = srtCues(execFileSync('ffmpeg', ['-v', 'error', '-i', files.ass!, '-f', 'srt', '-'], { encoding: 'utf8' }));
    const fromSrt = srtCues(await readFile(files.srt!, 'utf8'));
    assert.ok(fromSrt.length >= 5);
    assert.equal(fromAss.length, fromSrt.length);
    fromAss.forEach((c, i) => {
      const s = fromSrt[i]!;
      assert.ok(Math.abs(c.start - s.start) <= 5 && Math.abs(c.end - s.end) <= 5, `cue ${i}: ${c.start}-${c.end} vs ${s.start}-${s.end}`);
      // Braces would open an override block and a backslash an escape: they are shown as look-alikes.
      assert.equal(c.text, s.text.replace(/\{/g, '(').replace(/\}/g, ')').replace(/\\/g, '\uFF3C'), `cue ${i}`);
    });
    assert.ok(fromAss.some((c) => c.text.includes('Llaves (rotas), una barra ＼ y comas, muchas.')));
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
});

test('ASS styles: one for the language, one per speaker in the speaker colours; each cue in its speaker\'s', async () => {
  const { files, workDir } = await written(['ass']);
  try {
    const ass = await readFile(files.ass!, 'utf8');
    assert.match(ass, /^\[Script Info\]\n/);
    assert.match(ass, /^Title: Español \(AI\)$/m);
    assert.match(ass, /^PlayResY: 1080$/m);
    const styles = section(ass, 'V4+ Styles', 'Style');
    assert.deepEqual(styles.map((s) => [s.Name, s.PrimaryColour]), [
      ['es', assColour(SPEAKER_COLOURS[0])], ['es A', assColour(SPEAKER_COLOURS[0])], ['es B', assColour(SPEAKER_COLOURS[1])],
    ]);
    for (const s of styles) assert.deepEqual([s.Alignment, s.OutlineColour, s.Fontname], ['2', '&H00000000', 'Arial'], 'bottom centre, black outline');

    // FFmpeg's reading of the file carries the style colour of each cue: B's lines are yellow.
    const read = srtCues(execFileSync('ffmpeg', ['-v', 'error', '-i', files.ass!, '-f', 'srt', '-'], { encoding: 'utf8' }));
    const events = section(ass, 'Events', 'Dialogue');
    assert.equal(events.length, read.length);
    events.forEach((e, i) => {
      const speaker = e.Name || undefined;
      assert.equal(e.Style, speaker ? `es ${speaker}` : 'es', `cue ${i}: style of ${speaker ?? 'nobody'}`);
      if (speaker === 'B' && !e.Text.includes('{\\r')) assert.equal(read[i]!.colour, SPEAKER_COLOURS[1], `cue ${i} in B's colour`);
    });
    assert.ok(events.some((e) => e.Name === 'B'), 'B speaks');
    const shared = events.find((e) => e.Text.includes('{\\r'));
    assert.equal(shared?.Text, '- ¿Vienes?\\N{\\res B}- ¡Claro!', 'a shared cue switches to B\'s style at B\'s line');
    assert.ok(events.some((e) => e.Style === 'es' && e.Name === ''), 'the unnamed line keeps the language style');
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
});

/** Pixels of a 1280x720 black frame at `seconds` with the ASS rendered by libass: [yellow, white]. */
function renderedColours(ass: string, seconds: number): [number, number] {
  const escaped = ass.replace(/\\/g, '\\\\').replace(/:/g, '\\:').replace(/'/g, "\\'");
  const rgb = execFileSync('ffmpeg', [
    '-v', 'error', '-f', 'lavfi', '-i', `color=black:size=1280x720:duration=${seconds + 1}`, '-vf', `ass='${escaped}'`,
    '-ss', String(seconds), '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-',
  ], { maxBuffer: 8 << 20 });
  let yellow = 0;
  let white = 0;
  for (let i = 0; i + 2 < rgb.length; i += 3) {
    const [r, g, b] = [rgb[i]!, rgb[i + 1]!, rgb[i + 2]!];
    if (r > 200 && g > 200 && b < 80) yellow++;
    else if (r > 200 && g > 200 && b > 200) white++;
  }
  return [yellow, white];
}

test('libass draws each speaker in their colour', async () => {
  const { files, workDir } = await written(['ass']);
  try {
    const events = section(await readFile(files.ass!, 'utf8'), 'Events', 'Dialogue');
    const seconds = (e: Record<string, string>) => {
      const [h, m, s] = e.Start!.split(':').map(Number);
      return h! * 3600 + m! * 60 + s! + 0.3;
    };
    const onlyB = events.find((e) => e.Name === 'B' && !e.Text.includes('{\\r'))!;
    const onlyA = events.find((e) => e.Name === 'A' && !e.Text.includes('{\\r'))!;
    const [bYellow, bWhite] = renderedColours(files.ass!, seconds(onlyB));
    assert.ok(bYellow > 300 && bWhite < bYellow / 20, `B's cue: ${bYellow} yellow, ${bWhite} white pixels`);
    const [aYellow, aWhite] = renderedColours(files.ass!, seconds(onlyA));
    assert.ok(aWhite > 300 && aYellow < aWhite / 20, `A's cue: ${aYellow} yellow, ${aWhite} white pixels`);
    const [sharedYellow, sharedWhite] = renderedColours(files.ass!, seconds(events.find((e) => e.Text.includes('{\\r'))!));
    assert.ok(sharedYellow > 100 && sharedWhite > 100, `the shared cue: ${sharedYellow} yellow, ${sharedWhite} white pixels`);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
});

test('subtitleFormats picks the files; without it (a preset step that does not read it) SRT and WebVTT; a bad list is E_INVALID_ARGUMENT', async () => {
  const assOnly = await written(['ass']);
  const byDefault = await runStageForTest(def, { options: {}, params: {}, inputs: { translation: outputOf({}, conversation()) } });
  try {
    assert.deepEqual(Object.keys(assOnly.files), ['ass']);
    assert.deepEqual(Object.keys(byDefault.result.files ?? {}), ['srt', 'vtt']);
    for (const bad of [[], ['srt', 'sub'], 'ass']) {
      await assert.rejects(written(bad), (e: unknown) => e instanceof DubarrError && e.code === 'E_INVALID_ARGUMENT' && /subtitleFormats/.test(e.message));
    }
  } finally {
    for (const d of [assOnly.workDir, byDefault.workDir]) await rm(d, { recursive: true, force: true });
  }
});
