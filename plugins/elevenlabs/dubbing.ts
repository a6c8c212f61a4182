/**
 * The Dubbing API's round trip for one target language: create a dubbing of the uploaded
 * audio (POST /v1/dubbing), poll it (GET /v1/dubbing/{id}) until 'dubbed', and download the
 * language's audio (GET /v1/dubbing/{id}/audio/{lang}, which answers 425 Too Early until it
 * is ready). The wait is bounded (maxWaitMinutes). The dubbing id is kept in the provider
 * cache the moment it is created, so a job that dies while waiting resumes by polling the
 * same dubbing instead of paying for a new one; the audio is kept once downloaded.
 */
import { paidCall, type CostMeter } from '../sdk/cost.js';
import { DubarrError } from '../sdk/errors.js';
import type { ProviderResultCache, UnitKey } from '../sdk/provider-cache.js';
import { answerField, isString, PROVIDER, providerClock, type ElevenClient } from './client.js';

export interface DubbingRequest {
  /** The audio to dub and its name for the upload. */
  audio: Buffer;
  fileName: string;
  contentType: string;
  /** ISO 639-1 codes; no source language: ElevenLabs detects it. */
  sourceLanguage?: string;
  targetLanguage: string;
  seconds: number;
  name: string;
}

export interface DubbingContext {
  client: ElevenClient;
  cache: ProviderResultCache;
  cost: CostMeter;
  pollSeconds: number;
  maxWaitMinutes: number;
  signal: AbortSignal;
  progress(fraction: number, note: string): void;
}

export async function dubAudio(r: DubbingRequest, audioHash: string, c: DubbingContext): Promise<{ audio: Buffer; dubbingId: string; cached: boolean }> {
  const key = (kind: string): UnitKey => ({ kind, text: audioHash, voice: r.targetLanguage, settings: { source: r.sourceLanguage ?? 'auto' } });
  const spend = { provider: PROVIDER, unit: 'audioSeconds' as const, product: 'dubbing', quantity: r.seconds, what: `dubbing of ${r.seconds} s into ${r.targetLanguage}` };
  const done = await c.cache.get(key('dubbed-audio'));
  // An empty record is a dubbing that failed: the next attempt creates a new one.
  const known = (await c.cache.get(key('dubbing-id')))?.toString('utf8') || undefined;
  if (done && known) {
    c.cost.reused(spend);
    return { audio: done, dubbingId: known, cached: true };
  }
  let dubbingId = known;
  if (dubbingId) c.cost.reused(spend);
  else {
    dubbingId = await paidCall(c.cost, spend, () => createDubbing(r, c.client));
    await c.cache.put(key('dubbing-id'), dubbingId);
  }
  c.progress(0.1, `dubbing ${dubbingId} created`);
  let audio: Buffer;
  try {
    audio = await waitForAudio(dubbingId, r.targetLanguage, c);
  } catch (e) {
    if (e instanceof DubarrError && e.details?.dubbingStatus === 'failed') await c.cache.put(key('dubbing-id'), '');
    throw e;
  }
  await c.cache.put(key('dubbed-audio'), audio);
  return { audio, dubbingId, cached: false };
}

async function createDubbing(r: DubbingRequest, client: ElevenClient): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(r.audio)], { type: r.contentType }), r.fileName);
  form.set('name', r.name);
  form.set('source_lang', r.sourceLanguage ?? 'auto');
  form.set('target_lang', r.targetLanguage);
  form.set('num_speakers', '0');
  form.set('watermark', 'false');
  const res = await client.request({ path: '/v1/dubbing', form, idempotent: false, expectJson: true });
  return answerField(res.json, 'dubbing_id', isString, 'POST /v1/dubbing');
}

async function waitForAudio(id: string, lang: string, c: DubbingContext): Promise<Buffer> {
  const clock = providerClock();
  const deadline = clock.now() + c.maxWaitMinutes * 60_000;
  const path = `/v1/dubbing/${encodeURIComponent(id)}`;
  for (let poll = 0; ; poll++) {
    const res = await c.client.request({ path, idempotent: true, expectJson: true });
    const status = answerField(res.json, 'status', isString, `GET ${path}`);
    if (status === 'failed') {
      const why = (res.json as { error?: unknown }).error;
      throw new DubarrError('E_PROVIDER_FAILED', `elevenlabs: dubbing ${id} failed${typeof why === 'string' && why ? `: ${why.slice(0, 200)}` : ''}; retry the job, or dub with the dub preset's own steps`, { details: { provider: PROVIDER, dubbingId: id, dubbingStatus: 'failed' } });
    }
    if (status === 'dubbed') {
      const audio = await c.client.request({ path: `${path}/audio/${encodeURIComponent(lang)}`, idempotent: true, acceptStatus: (s) => s === 425 });
      if (audio.status !== 425) {
        if (audio.body.length === 0) throw new DubarrError('E_PROVIDER_FAILED', `elevenlabs: dubbing ${id} gave no ${lang} audio`);
        return audio.body;
      }
    }
    if (clock.now() + c.pollSeconds * 1000 > deadline) {
      throw new DubarrError('E_PROVIDER_FAILED', `elevenlabs: dubbing ${id} was not ready after ${c.maxWaitMinutes} minutes (last status '${status}'); the job retries and polls the same dubbing, or raise plugins.options.elevenlabs.maxWaitMinutes`, { details: { provider: PROVIDER, dubbingId: id, status } });
    }
    c.progress(Math.min(0.9, 0.1 + 0.8 * (1 - 1 / (poll + 2))), `ElevenLabs: ${status}`);
    await clock.sleep(c.pollSeconds * 1000, c.signal);
  }
}
