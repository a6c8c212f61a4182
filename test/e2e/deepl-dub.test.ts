/**
 * DeepL through the real CLI and runtime, with the DeepL contract server standing in for the
 * cloud: a dub whose translate step runs out of quota half-way fails with E_PROVIDER_QUOTA, and
 * run again pays only for the lines it had not bought (the job's cost ledger says which were
 * reused); a job over budget.perJob sends DeepL nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultConfig } from '../../core/config/schema.js';
import { CostLedger } from '../../core/jobs/cost-ledger.js';
import { openDatabase } from '../../core/jobs/database.js';
import { FAULTS, startDeeplServer } from '../../plugins/deepl/contract-server.testkit.js';
import { talkVideo } from '../fixtures/speech.js';
import { dubWorkspace, stepData } from './dub-harness.js';

test('DeepL out of quota mid-step: the job fails with E_PROVIDER_QUOTA; run again, it buys only the lines not yet bought; over budget.perJob nothing is sent', async () => {
  const server = await startDeeplServer();
  const w = await dubWorkspace('deepl');
  try {
    const video = await talkVideo({ dir: w.dir, srtSidecar: true, name: 'Show' });
    const env = {
      DUBARR_PLUGINS_OPTIONS_DEEPL__API_KEY: server.key,
      DUBARR_PLUGINS_OPTIONS_DEEPL__BASE_URL: server.url,
      DUBARR_PLUGINS_OPTIONS_DEEPL__LINES_PER_REQUEST: '2',
      DUBARR_PROVIDERS_PREFERENCE_TRANSLATE: 'deepl',
    };
    // The first request goes through; the second finds the account's characters used up.
    server.inject('translate', FAULTS.quota, 1, 1);
    const failed = await w.dubWithEnv(env, video.path, '--to', 'es');
    assert.notEqual(failed.code, 0);
    assert.equal(failed.job.error?.code, 'E_PROVIDER_QUOTA');
    assert.equal(server.translated.length, 1);
    const bought = server.translated[0]!.texts;
    assert.equal(bought.length, 2);
    const ledger = new CostLedger(openDatabase(join(w.dir, 'data', 'dubarr.db')), defaultConfig().budget);
    const firstCost = ledger.forJobs([failed.job.id]).get(failed.job.id)!;
    assert.deepEqual(firstCost.lines.map((l) => [l.step, l.provider, l.state, l.quantity]), [['translate:es', 'deepl', 'settled', server.billedCharacters()]]);

    const done = await w.dubWithEnv(env, video.path, '--to', 'es');
    assert.equal(done.code, 0, done.err);
    type T = { segments: Array<{ id: string; text: string; target: string }> };
    const lines = (await stepData<T>(done, join(w.dir, 'data'), 'translate:es')).segments.filter((s) => s.text.trim());
    const sent = server.translated.flatMap((c) => c.texts);
    assert.equal(sent.length, lines.length, 'every line bought exactly once over both runs');
    assert.equal(new Set(sent).size, sent.length);
    assert.ok(!server.translated.slice(1).some((c) => c.texts.some((t) => bought.includes(t))), 'the lines of the first run were not sent again');
    const cost = ledger.forJobs([done.job.id]).get(done.job.id)!;
    const reused = cost.lines.find((l) => l.state === 'reused')!;
    assert.equal(reused.quantity, bought.reduce((a, t) => a + [...t].length, 0), 'the ledger says what the cache saved');
    assert.ok(cost.totalUsd > 0 && cost.savedUsd > 0);
    assert.ok(!(JSON.stringify(done.job) + done.out + done.err + JSON.stringify(done.runs)).includes(server.key), 'the key is in no job row or output');

    const before = server.requests.length;
    const over = await w.dubWithEnv({ ...env, DUBARR_BUDGET_PER_JOB: '0.000001' }, video.path, '--to', 'fr');
    assert.notEqual(over.code, 0);
    assert.equal(over.job.error?.code, 'E_BUDGET_EXCEEDED');
    assert.equal(server.requests.slice(before).filter((r) => r.url.includes('/v2/translate')).length, 0, 'nothing was sent');
  } finally {
    await server.close();
    await rm(w.dir, { recursive: true, force: true });
  }
});
