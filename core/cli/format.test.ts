import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job, JobEvent } from '../jobs/store.js';
import { formatDubSummary, formatJobDetail } from './format.js';

const decision = {
  language: 'en', decidedBy: 'subtitle-text', confidence: 0.97, audioTag: 'de', overridesTag: true, minConfidence: 0.8,
  evidence: [{ method: 'subtitle-text', language: 'en', confidence: 0.97, source: 'eld 2.1.0 (small)' }, { method: 'audio-tag', language: 'de' }],
  note: "English, from the subtitle text (eld 2.1.0 (small): 97% confident); the audio stream's tag said German and was overruled.",
};
// What a job row and its source-language event hold, as the job store returns them.
const job = (result?: unknown): Job => ({
  id: 'j1', input: '/media/Talk.webm', preset: 'dub', targetLanguages: ['es'], options: {}, status: 'succeeded', priority: 0,
  origin: 'cli', attempts: 1, progress: 1, createdAt: 0, updatedAt: 0, result,
});
const decided = (data: unknown): JobEvent[] => [{ id: 1, jobId: 'j1', ts: 0, type: 'job.source-language', step: 'language', data }];
const summary = ({ minConfidence: _, evidence: __, ...rest }: typeof decision) => rest;

test('jobs show: the source-language event is read by the decision schema; anything else is not shown as a decision', () => {
  const shown = formatJobDetail(job(), [], decided(summary(decision)));
  assert.match(shown, /languages auto = en \(subtitle-text 97%; audio tag de overruled\) -> es\n/);
  assert.match(shown, /\nsource {4}English, from the subtitle text/);
  for (const bad of [{ language: 'en', decidedBy: 'a hunch', overridesTag: false, note: '' }, { language: 42 }, null]) {
    const text = formatJobDetail(job(), [], decided(bad));
    assert.match(text, /languages auto -> es\n/, JSON.stringify(bad));
    assert.doesNotMatch(text, /\nsource /, JSON.stringify(bad));
  }
});

test('the dub summary reads the QA report\'s decision by the same schema', () => {
  const qa = (sourceLanguage: unknown) => job({ outputs: { qa: { data: { source: { kind: 'subtitles', provider: 'subtitles' }, sourceLanguage, targets: {} } } } });
  assert.match(formatDubSummary(qa(decision)), /\n {2}source language en \(subtitle-text 97%; audio tag de overruled\)\n/);
  assert.doesNotMatch(formatDubSummary(qa({ ...decision, confidence: 'high' })), /source language/);
});

test('the dub summary says which languages the file already carried a dub of ours in, and only then', () => {
  const done = (alreadyDubbed: unknown) => job({ outputs: {
    mux: { data: { mode: 'inplace', alreadyDubbed } },
    qa: { data: { source: { kind: 'asr', provider: 'pocketsphinx' }, output: { written: ['/media/Talk.dubarr.es.srt'] }, targets: {} } },
  } });
  assert.match(formatDubSummary(done(['es', 'ca'])), /\n {2}wrote \/media\/Talk\.dubarr\.es\.srt\n {2}already dubbed: es, ca \(the file carries dubarr's dub track; not added again\)\n/);
  assert.doesNotMatch(formatDubSummary(done([])), /already/);
  assert.doesNotMatch(formatDubSummary(done('es')), /already/, 'a document that is no list is not read as one');
});

test('jobs show and the dub summary print the job\'s cloud cost: the total, the cache\'s savings, one line per step and kind', () => {
  const cost = {
    totalUsd: 0.27, savedUsd: 0.05, unpriced: false,
    lines: [
      { step: 'translate:es', provider: 'deepl', unit: 'characters' as const, state: 'settled' as const, quantity: 10800, usd: 0.27 },
      { step: 'translate:es', provider: 'deepl', unit: 'characters' as const, state: 'reused' as const, quantity: 2000, usd: 0.05 },
    ],
  };
  assert.match(formatJobDetail(job(), [], [], cost), /\ncloud cost \$0\.27 \(\$0\.05 saved by the cache\)\n {2}translate:es +deepl +10800 characters +\$0\.27 +settled\n {2}translate:es +deepl +2000 characters +\$0\.05 +reused/);
  assert.match(formatDubSummary(job(), cost), /\n {2}cloud cost \$0\.27 \(\$0\.05 saved by the cache\)\ndetails:/);
  assert.doesNotMatch(formatDubSummary(job()), /cloud cost/);
});

test('the dub summary of a job without a QA report (the film preset) lists the files it delivered', () => {
  const text = formatDubSummary(job({ outputs: { assemble: { files: {}, data: { video: '/media/film.mp4' } } }, delivered: ['/media/film.mp4'] }));
  assert.match(text, /\n {2}wrote \/media\/film\.mp4\n/);
});
