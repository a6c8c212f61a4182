/** Every public function checks its arguments in TS and fails with E_INVALID_ARGUMENT before native work. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import * as native from './index.js';

const wav = '/nonexistent/in.wav';

it('rejects bad arguments with E_INVALID_ARGUMENT', async () => {
  const calls: [string, () => unknown][] = [
    ['probe without a path', () => native.probe('')],
    ['probe with a NUL', () => native.probe('a\0b')],
    ['decode: stream and language together', () => native.decodeToWav(wav, '/tmp/o.wav', { stream: 1, language: 'eng' })],
    ['decode: bad rate', () => native.decodeToWav(wav, '/tmp/o.wav', { sampleRate: 12 })],
    ['decode: bad channels', () => native.decodeToWav(wav, '/tmp/o.wav', { channels: 'surround' as never })],
    ['decode: centerOnly with stereo', () => native.decodeToWav(wav, '/tmp/o.wav', { centerOnly: true, channels: 2 })],
    ['decode: bad format', () => native.decodeToWav(wav, '/tmp/o.wav', { format: 's32' as never })],
    ['decode: bad cancel flag', () => native.decodeToWav(wav, '/tmp/o.wav', { cancelFlag: new Uint8Array(4) as never })],
    ['decode: bad signal', () => native.decodeToWav(wav, '/tmp/o.wav', { signal: {} as never })],
    ['stream: chunk too long', () => native.openAudioStream(wav, { chunkSeconds: 3600 })],
    ['encode: no codec', () => native.encodeAudio(wav, '/tmp/o.m4a', {} as never)],
    ['encode: wavFormat on aac', () => native.encodeAudio(wav, '/tmp/o.m4a', { codec: 'aac', wavFormat: 's16' })],
    ['filter: no graph', () => native.runFilterGraph({ inputs: [wav], graph: ' ', out: '/tmp/o.wav', codec: 'wav' })],
    ['loudness: truePeak not a boolean', () => native.measureLoudness(wav, { truePeak: 'no' as never })],
    ['remux: no source', () => native.remux({ source: '', out: '/tmp/o.mkv' })],
    ['remux: bad container', () => native.remux({ source: wav, out: '/tmp/o.mkv', container: 'avi' as never })],
    ['remux: twice the same source stream', () => native.remux({ source: wav, out: '/tmp/o.mkv', sourceStreams: [{ index: 1 }, { index: 1 }] })],
    ['extract: bad format', () => native.extractSubtitle(wav, 0, '/tmp/o.srt', 'sub' as never)],
    ['extract: negative stream', () => native.extractSubtitle(wav, -1, '/tmp/o.srt', 'srt')],
    ['log level', () => native.setNativeLogLevel('loud' as never)],
  ];
  for (const [what, call] of calls) {
    await assert.rejects(async () => call(), (e: native.NativeError) => (assert.equal(e.code, 'E_INVALID_ARGUMENT', what), true), what);
  }
});

it('exposes the libav versions it was built with', () => {
  const v = native.nativeVersions();
  assert.match(v.ffmpeg!, /\d/);
  assert.match(v.libavformat!, /^\d+\.\d+\.\d+$/);
});
