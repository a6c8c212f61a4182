/**
 * Test speech made at test time: espeak-ng sentences at known times in a 16 kHz mono s16
 * WAV, with silence between. The klatt voice is used because pocketsphinx's acoustic model
 * recognises it best of espeak-ng's voices (WER ~0.3 against 0.5-0.9 for the others).
 */
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readWavInfo } from '../sdk/wav.js';

const run = promisify(execFile);

export interface SpokenSentence { text: string; at: number; end: number }
export interface SpeechFixture { dir: string; wav: string; durationMs: number; sentences: SpokenSentence[] }

export async function makeSpeech(sentences: ReadonlyArray<{ text: string; at: number }>, durationMs: number): Promise<SpeechFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'dubarr-pocketsphinx-fixture-'));
  const clips = await Promise.all(sentences.map(async (s, i) => {
    const file = join(dir, `s${i}.wav`);
    await run('espeak-ng', ['-v', 'en-us+klatt', '-w', file, '--', s.text]);
    // espeak-ng ends each clip with ~0.3 s of silence; that is not speech.
    return { ...s, file, end: s.at + (await readWavInfo(file)).durationMs - 300 };
  }));
  const wav = join(dir, 'speech.wav');
  const delays = clips.map((c, i) => `[${i}]adelay=${c.at}:all=1[d${i}]`).join(';');
  const mix = `${clips.map((_, i) => `[d${i}]`).join('')}amix=inputs=${clips.length}:normalize=0:duration=longest,apad=whole_dur=${durationMs / 1000}`;
  await run('ffmpeg', ['-loglevel', 'error', '-y', ...clips.flatMap((c) => ['-i', c.file]), '-filter_complex', `${delays};${mix}`,
    '-ar', '16000', '-ac', '1', '-sample_fmt', 's16', '-map_metadata', '-1', '-fflags', '+bitexact', wav]);
  return { dir, wav, durationMs, sentences: clips.map(({ text, at, end }) => ({ text, at, end })) };
}
