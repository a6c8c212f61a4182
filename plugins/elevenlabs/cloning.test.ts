import { test } from 'node:test';
import assert from 'node:assert/strict';
import { speechWav } from '../../test/fixtures/speech.js';
import { DubarrError, SynthesizedSegments, type Translation } from '../sdk/index.js';
import { findStage, outputOf } from '../sdk/testing.js';
import { parseWavHeader } from '../sdk/wav.js';
import { DEFAULT_VOICES } from './contract-server.testkit.js';
import { elevenKit, type Kit } from './eleven-test-kit.testkit.js';
import plugin from './index.js';

const def = findStage(plugin, 'elevenlabs:synthesize');
// Two speakers taking turns, each with well over 10 s of clean speech.
const fixture = await speechWav({ backgroundDb: null, speakers: [{ voice: 'en-us' }, { voice: 'en-us', pitch: 80 }] });
const speakerOf = (i: number) => `S${(fixture.cues[i]!.speaker ?? 0) + 1}`;
const translation: Translation = {
  sourceLanguage: 'en', targetLanguage: 'es', provider: 'test',
  segments: fixture.cues.map((c, i) => ({ id: `c${i}`, start: c.start, end: c.end, text: c.text, target: `Frase ${i} en español.`, speaker: speakerOf(i) })),
};
const input = (kit: Kit, media: string, options: object = {}) => ({
  options: kit.options(options), params: { targetLanguage: 'es' },
  inputs: { translation: outputOf({}, translation), extract: outputOf({ audio: fixture.path }), source: outputOf({ media }) },
});

test('no clone is ever made without allowCloning, and the account\'s clones are not cast to strangers', async () => {
  const kit = await elevenKit({ voices: [{ voice_id: 'v-someone', name: 'Someone', category: 'cloned', labels: {} }, ...DEFAULT_VOICES] });
  try {
    const run = await kit.run(def, input(kit, '/media/Show/Season 01/e1.mkv'));
    assert.equal(kit.server.paidRequests('clone'), 0);
    const voices = new Set(SynthesizedSegments.parse(run.result.data).segments.map((s) => s.voice));
    assert.ok(!voices.has('v-someone'), [...voices].join());
  } finally { await kit.done(); }
});

test('with allowCloning, each speaker is cloned once from their own clean lines, and the clone is reused across the series', async () => {
  const kit = await elevenKit();
  try {
    const run = await kit.run(def, input(kit, '/media/Show/Season 01/e1.mkv', { allowCloning: true }));
    const adds = kit.server.requests.filter((r) => r.path === '/v1/voices/add');
    assert.equal(adds.length, 2);
    for (const [k, add] of adds.entries()) {
      const speaker = `S${k + 1}`;
      const files = add.form!.getAll('files') as File[];
      // Every sample is one of that speaker's lines, cut from the extract at its own length.
      const mine = fixture.cues.filter((_, i) => speakerOf(i) === speaker);
      assert.equal(files.length, mine.length);
      for (const f of files) {
        const info = parseWavHeader(Buffer.from(await f.arrayBuffer()));
        assert.ok(mine.some((c) => Math.abs(c.end - c.start - info.durationMs) <= 2), `${f.name}: ${info.durationMs} ms`);
      }
    }
    const data = SynthesizedSegments.parse(run.result.data);
    assert.deepEqual(data.segments.map((s) => s.voice), fixture.cues.map((_, i) => (speakerOf(i) === 'S1' ? 'clone-1' : 'clone-2')));

    // The next episode of the series: the same speakers speak with the same clones, none made.
    const next = await kit.run(def, input(kit, '/media/Show/Season 02/e1.mkv', { allowCloning: true }));
    assert.equal(kit.server.paidRequests('clone'), 2);
    assert.deepEqual(SynthesizedSegments.parse(next.result.data).segments.map((s) => s.voice), data.segments.map((s) => s.voice));
    // Another series has other people.
    await kit.run(def, input(kit, '/media/Other/e1.mkv', { allowCloning: true }));
    assert.equal(kit.server.paidRequests('clone'), 4);
  } finally { await kit.done(); }
});

test('allowCloning without the source\'s speech to clone from is a clear error', async () => {
  const kit = await elevenKit();
  try {
    const { inputs, ...rest } = input(kit, '/media/x.mkv', { allowCloning: true });
    await assert.rejects(kit.run(def, { ...rest, inputs: { translation: inputs.translation } }), (e: DubarrError) => e.code === 'E_INVALID_ARGUMENT' && /allowCloning/.test(e.message));
    assert.equal(kit.server.paidRequests('clone'), 0);
  } finally { await kit.done(); }
});
