/**
 * The account's voices (GET /v1/voices) as casting candidates: gender and age from their
 * labels, so a speaker known to be a woman, or old, gets a voice that fits (voice-casting.ts).
 * Cloned voices are people: they are never cast to someone else, only used when named (the
 * `voice` option, a speaker's hint) or made for that speaker (cloning.ts).
 */
import { DubarrError } from '../sdk/errors.js';
import type { CastableVoice, VoiceAge, VoiceGender } from '../sdk/voice-casting.js';
import type { ElevenClient } from './client.js';

export interface ElevenVoice extends CastableVoice {
  name: string;
  category?: string;
  accent?: string;
}

interface VoiceJson { voice_id?: unknown; name?: unknown; category?: unknown; labels?: Record<string, unknown> | null }

const GENDERS: Record<string, VoiceGender> = { female: 'female', male: 'male' };
const AGES: Record<string, VoiceAge> = { child: 'child', young: 'young', middle_aged: 'adult', 'middle aged': 'adult', adult: 'adult', old: 'old' };

export async function listVoices(client: ElevenClient): Promise<ElevenVoice[]> {
  const res = await client.request({ path: '/v1/voices', idempotent: true, expectJson: true });
  const list = (res.json as { voices?: unknown }).voices;
  if (!Array.isArray(list)) throw new DubarrError('E_PROVIDER_FAILED', 'elevenlabs: GET /v1/voices came back without a voices list');
  return (list as VoiceJson[]).filter((v) => typeof v.voice_id === 'string').map((v) => {
    const labels = v.labels ?? {};
    const label = (k: string) => (typeof labels[k] === 'string' ? (labels[k] as string).toLowerCase().trim() : undefined);
    return {
      id: v.voice_id as string,
      name: typeof v.name === 'string' ? v.name : (v.voice_id as string),
      ...(typeof v.category === 'string' ? { category: v.category } : {}),
      ...(GENDERS[label('gender') ?? ''] ? { gender: GENDERS[label('gender')!] } : {}),
      ...(AGES[label('age') ?? ''] ? { age: AGES[label('age')!] } : {}),
      ...(label('accent') ? { accent: label('accent') } : {}),
    };
  });
}

/**
 * The voices to cast from, in order of preference: the `voice` option first, then the
 * account's order; cloned voices only when named (a hint naming a voice the account lacks
 * is warned about by castUnits, and the speaker cast instead).
 */
export function castingVoices(all: readonly ElevenVoice[], main: string | undefined, named: readonly string[]): ElevenVoice[] {
  if (main !== undefined && !all.some((v) => v.id === main)) {
    throw new DubarrError('E_INVALID_ARGUMENT', `elevenlabs: the voice ${main} (plugins.options.elevenlabs.voice) is not among the account's voices: pick one of ${all.map((v) => `${v.id} (${v.name})`).join(', ')}`);
  }
  const usable = all.filter((v) => v.category !== 'cloned' || v.id === main || named.includes(v.id));
  if (usable.length === 0) throw new DubarrError('E_PROVIDER_FAILED', 'elevenlabs: the account has no voice to speak with (GET /v1/voices listed none that is not a clone)');
  const first = usable.find((v) => v.id === main);
  return first ? [first, ...usable.filter((v) => v !== first)] : usable;
}
