import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import subsrt from 'subsrt-ts';
import { contractSuite } from '../sdk/contract.js';
import { DubarrError, type StageInput, type Translation } from '../sdk/index.js';
import { findStage, outputOf, runStageForTest } from '../sdk/testing.js';
import plugin from './index.js';
import { SubtitleWriterOptions } from './options.js';
import { assertReadingRules } from './reading-rules.testkit.js';
import { SubtitleReport } from './report.js';

const def = findStage(plugin, 'subtitle-writer:subtitle');
const O = SubtitleWriterOptions.parse({});

/** Long, short and dense target text, as a translate stage would hand it over. */
function translation(): Translation {
  const texts = [
    'Buenos días.',
    'Sí.',
    'No.',
    'Ayer fuimos todos juntos al mercado del pueblo, y compramos fruta, pan y queso para la cena de esta noche con los vecinos.',
    '¿Vienes?',
    '¡Claro que sí!',
    'Te lo dije mil veces: no abras esa puerta, no hables con nadie y espérame aquí sin moverte, pase lo que pase ahí fuera.',
    'Vale.',
    'Tres & cuatro <siete>',
    'Perfecto, entonces nos vemos mañana a las ocho delante de la estación.',
  ];
  const times: Array<[number, number]> = [[500, 900], [1000, 1200], [1250, 1500], [2000, 6000], [6100, 6400], [6450, 6900], [7000, 10000], [10050, 10200], [11000, 11600], [20000, 21000]];
  return {
    sourceLanguage: 'en',
    targetLanguage: 'spa',
    provider: 'test',
    segments: texts.map((target, i) => ({ id: `u${i + 1}`, start: times[i]![0], end: times[i]![1], text: `source ${i}`, target, ...(i === 4 ? { speaker: 'B' } : {}) })),
  };
}

const input = (t: unknown = translation(), options: unknown = {}): Partial<StageInput> & { options: unknown } =>
  ({ options, params: {}, inputs: { translation: outputOf({}, t) } });

interface Parsed { start: number; end: number; lines: string[] }
function parseBack(text: string, format: 'srt' | 'vtt'): Parsed[] {
  return subsrt.parse(text, { format, eol: '\n' })
    .filter((c): c is Extract<typeof c, { type: 'caption' }> => c.type === 'caption')
    .map((c) => ({ start: c.start, end: c.end, lines: c.content.replace(/\n+$/, '').split('\n') }));
}

contractSuite({
  plugin,
  stage: 'subtitle-writer:subtitle',
  invalidOptions: { maxLineChars: 0 },
  validInput: async () => input(),
  corruptInput: async () => input({ sourceLanguage: 'en', segments: [{ id: 1, start: 'soon' }] }),
  corruptCode: 'E_INVALID_ARGUMENT',
  // A feature film's worth of lines (1500 in 100 minutes).
  longInput: async () => input({
    ...translation(),
    segments: Array.from({ length: 1500 }, (_, i) => ({ id: `l${i}`, start: i * 4000, end: i * 4000 + 3000, text: `source ${i}`, target: translation().segments[i % 10]!.target })),
  }),
  async check(run) {
    const report = SubtitleReport.parse(run.result.data);
    assert.deepEqual(Object.keys(run.result.files ?? {}).sort(), ['srt', 'vtt']);
    assert.match(run.result.files!.srt!, /subtitles\.es\.srt$/);
    assert.equal(report.language, 'es');
    assert.equal(report.from, 'translation');

    const srt = await readFile(run.result.files!.srt!, 'utf8');
    const vtt = await readFile(run.result.files!.vtt!, 'utf8');
    assert.match(vtt, /^WEBVTT\n\n/);
    assert.match(vtt, /^\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}$/m);
    assert.doesNotMatch(vtt, /\d,\d{3} -->/);
    assert.match(srt, /^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n/);
    const numbers = srt.split('\n\n').filter(Boolean).map((b) => Number(b.split('\n')[0]));
    assert.deepEqual(numbers, numbers.map((_, i) => i + 1), 'SRT cues are numbered 1, 2, 3 ...');
    assert.match(vtt, /Tres &amp; cuatro &lt;siete&gt;/);
    assert.match(srt, /Tres & cuatro <siete>/);

    const fromSrt = parseBack(srt, 'srt');
    const fromVtt = parseBack(vtt, 'vtt');
    assert.equal(fromSrt.length, report.cues);
    assert.deepEqual(fromVtt.map((c) => [c.start, c.end]), fromSrt.map((c) => [c.start, c.end]));
    assertReadingRules(fromSrt, report.violations, O);
    // The dense opening cannot all be read at 17 cps: some cue must be listed, and the
    // long sentences must have been split into more cues than there were segments.
    assert.ok(report.violations.length > 0);
    assert.ok(fromSrt.length > 8, `${fromSrt.length} cues`);
    const words = (s: string) => s.replace(/(^|\s)- /g, '$1').split(/\s+/).filter(Boolean);
    assert.deepEqual(fromSrt.flatMap((c) => words(c.lines.join(' '))), translation().segments.flatMap((s) => words(s.target)));
  },
});

test('a transcript gives source-language subtitles; the formats follow the job\'s subtitleFormats, the limits the options', async () => {
  const run = await runStageForTest(def, {
    options: { maxLineChars: 32 },
    params: { subtitleFormats: ['vtt'] },
    inputs: {
      transcript: outputOf({}, {
        language: 'en', source: { kind: 'asr', provider: 'test' },
        segments: [{ id: 's1', start: 0, end: 4000, text: 'A transcript line that is long enough to need two lines here.' }],
      }),
    },
  });
  try {
    assert.deepEqual(Object.keys(run.result.files ?? {}), ['vtt']);
    const report = SubtitleReport.parse(run.result.data);
    assert.deepEqual([report.language, report.from, report.cues, report.violations], ['en', 'transcript', 1, []]);
    const [cue] = parseBack(await readFile(run.result.files!.vtt!, 'utf8'), 'vtt');
    assert.equal(cue!.lines.length, 2);
    for (const l of cue!.lines) assert.ok(l.length <= 32, l);
  } finally {
    await rm(run.workDir, { recursive: true, force: true });
  }
});

test('a cancelled job writes nothing and says E_CANCELLED', async () => {
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(runStageForTest(def, input(), { signal: ac.signal }), (e: unknown) => e instanceof DubarrError && e.code === 'E_CANCELLED');
});

test('missing inputs and bad options are E_INVALID_ARGUMENT', async () => {
  for (const bad of [{ options: {}, inputs: {} }, input(translation(), { maxCps: -1 }), { options: {}, inputs: { transcript: outputOf({}, { segments: [] }) } }]) {
    await assert.rejects(runStageForTest(def, bad), (e: unknown) => e instanceof DubarrError && e.code === 'E_INVALID_ARGUMENT');
  }
});
