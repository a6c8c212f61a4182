/**
 * `npm run bench -- openai-cost`: what the openai provider's three steps buy for 10 minutes of
 * the fixtures' dialogue (espeak-ng sentences with pauses, looped), run against the contract
 * server, priced at the default budget.prices and scaled to an hour. Measured, not estimated:
 * the seconds uploaded (speech regions only, against the whole track as the baseline), the
 * tokens of the real prompts (the contract server counts one per 4 characters, as the plugin's
 * estimate does), the characters spoken including lines asked again faster. The fake model
 * answers with the source text, so characters are English-length (Spanish runs ~20 % longer).
 * Lines found in the per-line cache (the looped sentences repeat) are counted as bought.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { speechWav } from '../fixtures/speech.js';
import { memoryCostMeter, setProviderCacheDir, type MeteredSpend, type Transcript, type Translation } from '../../plugins/sdk/index.js';
import { findStage, outputOf, runStageForTest } from '../../plugins/sdk/testing.js';
import { startOpenAIContractServer, type ChatRequest } from '../../plugins/openai/contract-server.testkit.js';
import plugin from '../../plugins/openai/index.js';

/** budget.prices.openai in config/default.yaml (USD per unit). */
const PRICES = { audioSeconds: 0.0001, characters: 0.000015, inputTokens: 0.00000015, outputTokens: 0.0000006 } as const;

export default async function main(): Promise<void> {
  const server = await startOpenAIContractServer();
  const cache = await mkdtemp(join(tmpdir(), 'openai-cost-'));
  setProviderCacheDir(cache);
  // The "model" repeats each line: translation length equal to the source's.
  server.chatReply = (req: ChatRequest) => {
    const asked = JSON.parse(req.messages.find((m) => m.role === 'user')!.content) as { lines: Array<{ id: string; text: string }> };
    return JSON.stringify({ lines: asked.lines.map((l) => ({ id: l.id, text: l.text })) });
  };
  try {
    const speech = await speechWav({ long: true, backgroundDb: null });
    const hours = speech.durationMs / 3_600_000;
    const options = { baseUrl: server.baseUrl };
    const vad = { durationMs: speech.durationMs, segments: speech.cues.map((c) => ({ start: c.start, end: c.end })) };
    const spent: MeteredSpend[] = [];
    const run = async <D>(stage: string, input: object) => {
      const cost = memoryCostMeter();
      const r = await runStageForTest<D>(findStage(plugin, stage), { options, ...input }, { cost });
      // Reused counts too: the looped sentences repeat, and the per-line cache would otherwise
      // hide what an hour of lines that never repeat costs.
      spent.push(...cost.entries.filter((e) => e.state === 'settled' || e.state === 'reused'));
      return r.result.data;
    };

    await run<Transcript>('openai:transcribe', { params: { sourceLanguage: 'en' }, inputs: { audio: outputOf({ audio: speech.path }), vad: outputOf({}, vad) } });
    const units: Transcript = { language: 'en', source: { kind: 'asr', provider: 'openai' }, segments: speech.cues.map((c, i) => ({ id: `u${i + 1}`, start: c.start, end: c.end, text: c.text })) };
    const translation = await run<Translation>('openai:translate', { params: { sourceLanguage: 'en', targetLanguage: 'es' }, inputs: { units: outputOf({}, units) } });
    await run('openai:synthesize', { params: { targetLanguage: 'en' }, inputs: { translation: outputOf({}, { ...translation, targetLanguage: 'en' }) } });

    const total = (unit: keyof typeof PRICES) => spent.filter((s) => s.unit === unit).reduce((a, s) => a + s.quantity, 0);
    const perHour = (unit: keyof typeof PRICES) => total(unit) / hours;
    const usd = (unit: keyof typeof PRICES) => perHour(unit) * PRICES[unit];
    const sentRatio = total('audioSeconds') / (speech.durationMs / 1000);
    const re = spent.filter((s) => s.unit === 'characters').length - units.segments.length;
    console.log(`${units.segments.length} lines in ${(speech.durationMs / 1000).toFixed(0)} s; per hour of video at the default prices:`);
    console.log(`  transcribe: ${perHour('audioSeconds').toFixed(0)} s uploaded (${(sentRatio * 100).toFixed(0)} % of the track) = $${usd('audioSeconds').toFixed(3)}`);
    console.log(`  translate:  ${perHour('inputTokens').toFixed(0)} input + ${perHour('outputTokens').toFixed(0)} output tokens = $${(usd('inputTokens') + usd('outputTokens')).toFixed(4)}`);
    console.log(`  speech:     ${perHour('characters').toFixed(0)} characters (${re} of ${units.segments.length} lines asked again faster) = $${usd('characters').toFixed(3)}`);
    console.log(`RESULT openai-cost transcribe_usd_per_hour=${usd('audioSeconds').toFixed(3)} uploaded_vs_whole_track=${sentRatio.toFixed(3)} `
      + `translate_usd_per_hour=${(usd('inputTokens') + usd('outputTokens')).toFixed(4)} input_tokens_per_hour=${perHour('inputTokens').toFixed(0)} output_tokens_per_hour=${perHour('outputTokens').toFixed(0)} `
      + `speech_usd_per_hour=${usd('characters').toFixed(3)} characters_per_hour=${perHour('characters').toFixed(0)}`);
  } finally {
    await server.close();
    await rm(cache, { recursive: true, force: true });
  }
}
