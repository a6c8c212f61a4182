import { test } from 'node:test';
import assert from 'node:assert/strict';
import { speechWav } from '../../test/fixtures/speech.js';
import { memoryCostMeter } from '../sdk/cost.js';
import { DubarrError, FitPlan } from '../sdk/index.js';
import { findStage, outputOf } from '../sdk/testing.js';
import { elevenKit, type Kit } from './eleven-test-kit.testkit.js';
import plugin from './index.js';

const def = findStage(plugin, 'elevenlabs:dubbing');
const fixture = await speechWav({ sentences: ['The boat left the harbour at dawn.', 'Nobody on the pier said a word.'] });
const seconds = Math.ceil(fixture.durationMs / 1000);
const input = (kit: Kit, options: object = {}) => ({
  options: kit.options({ pollSeconds: 10, ...options }), params: { sourceLanguage: 'en', targetLanguage: 'es' },
  inputs: { extract: outputOf({ audio: fixture.path }), source: outputOf({ media: '/media/talk.mp4' }) },
});
const routes = (kit: Kit) => kit.server.requests.map((r) => `${r.method} ${r.path.replace(/dub-\d+/, 'ID')}`);

test('dubbing: created once, polled until dubbed, its audio asked for through 425 Too Early, handed on as one line over the timeline', async () => {
  const kit = await elevenKit({ dubbingPolls: 2, tooEarly: 2 });
  try {
    const run = await kit.run<FitPlan>(def, input(kit));
    assert.deepEqual(routes(kit), [
      'POST /v1/dubbing', 'GET /v1/dubbing/ID', 'GET /v1/dubbing/ID', 'GET /v1/dubbing/ID', 'GET /v1/dubbing/ID/audio/es',
      'GET /v1/dubbing/ID', 'GET /v1/dubbing/ID/audio/es', 'GET /v1/dubbing/ID', 'GET /v1/dubbing/ID/audio/es',
    ]);
    const form = kit.server.requests[0]!.form!;
    assert.deepEqual([form.get('source_lang'), form.get('target_lang')], ['en', 'es']);
    assert.deepEqual(kit.clock.waits, [10_000, 10_000, 10_000, 10_000], 'pollSeconds between polls');
    const plan = FitPlan.parse(run.result.data);
    assert.equal(plan.units.length, 1);
    const u = plan.units[0]!;
    // The MP3 the server made from the upload is as long as the speech (give or take the encoder's padding).
    assert.ok(Math.abs(u.durationMs - fixture.durationMs) < 120, `${u.durationMs} vs ${fixture.durationMs}`);
    assert.deepEqual([u.placedStart, u.placedEnd], [0, u.durationMs]);
    assert.deepEqual(run.cost.map((c) => [c.state, c.unit, c.product, c.quantity]), [['settled', 'audioSeconds', 'dubbing', seconds]]);

    const again = await kit.run<FitPlan>(def, input(kit));
    assert.equal(kit.server.paidRequests('dubbing'), 1);
    assert.deepEqual(again.cost.map((c) => c.state), ['reused']);
  } finally { await kit.done(); }
});

test('dubbing: a job that stops while waiting resumes by polling the same dubbing, paying once', async () => {
  const kit = await elevenKit({ dubbingPolls: 5 });
  try {
    const e = await kit.run(def, input(kit, { maxWaitMinutes: 0.5 })).then(() => undefined, (x: unknown) => DubarrError.from(x));
    assert.equal(e?.code, 'E_PROVIDER_FAILED');
    assert.match(e!.message, /not ready after 0.5 minutes/);
    const run = await kit.run(def, input(kit));
    assert.equal(kit.server.paidRequests('dubbing'), 1, 'no second dubbing created');
    assert.deepEqual(run.cost.map((c) => c.state), ['reused']);
    assert.equal(kit.server.billed.dubbingSeconds > 0, true);
  } finally { await kit.done(); }
});

test('dubbing: a failed dubbing is E_PROVIDER_FAILED and the retry makes a new one; a budget too small refuses before the upload', async () => {
  const kit = await elevenKit({ dubbingPolls: 1, dubbingFails: true });
  try {
    await assert.rejects(kit.run(def, input(kit)), (e: DubarrError) => e.code === 'E_PROVIDER_FAILED' && /failed: the source could not be dubbed/.test(e.message));
    await assert.rejects(kit.run(def, input(kit)), (e: DubarrError) => e.code === 'E_PROVIDER_FAILED');
    assert.equal(kit.server.paidRequests('dubbing'), 2);
    await assert.rejects(kit.run(def, { ...input(kit), params: { targetLanguage: 'fr' } }, { cost: memoryCostMeter({ 'elevenlabs:audioSeconds': seconds - 1 }) }),
      (e: DubarrError) => e.code === 'E_BUDGET_EXCEEDED');
    assert.equal(kit.server.paidRequests('dubbing'), 2);
  } finally { await kit.done(); }
});
