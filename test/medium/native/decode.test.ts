/**
 * Audio decode: sample counts match the stream's length on the timeline, tones keep their
 * pitch through resampling, a late start stays late, stream selection by index and
 * language, the centre channel of 5.1, and the chunk iterator matches the WAV form.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  decodeAudio,
  decodeToWav,
  decodeToWavSync,
  openAudioStream,
  openAudioStreamSync,
  pcmSamples,
  type NativeError,
} from '../../../native/lib/index.js';
import * as media from '../../fixtures/media.js';
import { streamEnd } from './ffprobe.js';
import { channel, firstSound, peak, readWav, toneAmplitude, toneFrequency } from './signal.js';
import { scratchDir } from './scratch.js';

const dir = scratchDir('decode');
let n = 0;
const out = () => join(dir, `out-${n++}.wav`);

const AUDIO = [
  { name: 'AAC in MP4', make: media.h264AacMp4, stream: 1, frame: 1024 / 48000 },
  { name: 'AC3 5.1 in MKV', make: media.h264Ac3Mkv, stream: 1, frame: 1536 / 48000 },
  { name: 'Opus in WebM', make: media.vp9OpusWebm, stream: 1, frame: 960 / 48000 },
  { name: 'MP3', make: media.mp3Audio, stream: 0, frame: 1152 / 44100 },
  { name: 'late AAC in MP4', make: media.lateAudioMp4, stream: 1, frame: 1024 / 48000 },
];

async function expectCode(p: Promise<unknown>, code: string): Promise<NativeError> {
  try {
    await p;
  } catch (e) {
    assert.equal((e as NativeError).code, code, (e as Error).message);
    return e as NativeError;
  }
  assert.fail(`expected ${code}`);
}

describe('decodeToWav', () => {
  for (const { name, make, stream, frame } of AUDIO) {
    it(`${name}: samples = timeline length x rate, within one frame`, async () => {
      const input = await make();
      const rate = 16000;
      const result = await decodeToWav(input, out(), { sampleRate: rate, channels: 'mono' });
      const { end } = await streamEnd(input, stream);
      assert.equal(result.streamIndex, stream);
      const wav = readWav(result.path);
      assert.equal(wav.sampleRate, rate);
      assert.equal(wav.channels, 1);
      assert.equal(wav.frames, result.samples);
      assert.ok(Math.abs(result.samples - end * rate) <= frame * rate, `${result.samples} samples, expected ${end * rate} +- ${frame * rate}`);
      assert.equal(result.decodeErrors, 0);
    });
  }

  it('keeps a 1 kHz tone at 1 kHz through resampling (48k -> 16k, 44.1k -> 22.05k and 8k)', async () => {
    for (const [input, rate] of [
      [await media.h264AacMp4(), 16000],
      [await media.mp3Audio(), 22050],
      [await media.mp3Audio(), 8000],
    ] as const) {
      const wav = readWav((await decodeToWav(input, out(), { sampleRate: rate, channels: 'mono', format: 'f32' })).path);
      assert.equal(wav.format, 'f32');
      const hz = toneFrequency(wav.samples, rate);
      assert.ok(Math.abs(hz - 1000) < 1, `${input} at ${rate} Hz: tone measured at ${hz} Hz`);
    }
  });

  it('keeps a late start late: silence, then sound at 1.5 s', async () => {
    const result = await decodeToWav(await media.lateAudioMp4(), out(), { sampleRate: 16000, channels: 'mono' });
    const wav = readWav(result.path);
    const onset = firstSound(wav.samples, 16000);
    assert.ok(Math.abs(onset - media.LATE_AUDIO_START) < 0.01, `sound starts at ${onset} s`);
    assert.equal(peak(wav.samples, 0, Math.floor(1.4 * 16000)), 0, 'nothing before the stream starts');
    assert.ok(Math.abs(result.streamStart - (media.LATE_AUDIO_START - 1024 / 48000)) < 0.002, `streamStart ${result.streamStart}`);
    assert.ok(Math.abs(toneFrequency(wav.samples, 16000, 2, 4) - 440) < 1);
  });

  it('picks streams by index and by language (B or T code), default stream first', async () => {
    const mkv = await media.h264Ac3Mkv();
    assert.equal((await decodeToWav(mkv, out())).streamIndex, 1, 'default audio');
    assert.equal((await decodeToWav(mkv, out(), { stream: 2 })).streamIndex, 2);
    const ger = await decodeToWav(mkv, out(), { language: 'deu' });
    assert.equal(ger.streamIndex, 2);
    assert.equal(ger.channels, 2);
    assert.ok(Math.abs(toneFrequency(channel(readWav(ger.path), 0), 48000) - 440) < 1, 'the German track carries the 440 Hz tone');
    const err = await expectCode(decodeToWav(mkv, out(), { language: 'fre' }), 'E_NO_AUDIO_STREAM');
    assert.match(err.message, /eng, ger/);
    await expectCode(decodeToWav(mkv, out(), { stream: 0 }), 'E_NO_AUDIO_STREAM');
    await expectCode(decodeToWav(mkv, out(), { stream: 9 }), 'E_INVALID_ARGUMENT');
    await expectCode(decodeToWav(await media.videoOnlyMp4(), out()), 'E_NO_AUDIO_STREAM');
  });

  it('takes the centre channel alone from 5.1, and falls back to a downmix without one', async () => {
    const mkv = await media.h264Ac3Mkv();
    const center = await decodeToWav(mkv, out(), { centerOnly: true, format: 'f32' });
    assert.equal(center.centerExtracted, true);
    assert.equal(center.channels, 1);
    const c = readWav(center.path).samples;
    assert.ok(Math.abs(toneFrequency(c, 48000) - media.SURROUND_CENTER_HZ) < 1, 'only the 1 kHz centre tone');
    assert.ok(Math.abs(peak(c, 48000, 96000) - 0.4) < 0.02, `centre at unity gain (peak ${peak(c, 48000, 96000)})`);

    assert.ok(toneAmplitude(c, 48000, 400) < 0.001, 'no front-right (400 Hz) in the centre channel');
    const downmix = readWav((await decodeToWav(mkv, out(), { channels: 'mono', format: 'f32' })).path).samples;
    assert.ok(toneAmplitude(downmix, 48000, 400) > 0.02, 'a downmix carries the other channels too');

    const stereo = await decodeToWav(mkv, out(), { stream: 2, centerOnly: true });
    assert.equal(stereo.centerExtracted, false);
    assert.equal(stereo.channels, 1);
  });

  it('keeps the original layout, or converts to a channel count', async () => {
    const mkv = await media.h264Ac3Mkv();
    const original = await decodeToWav(mkv, out(), { sampleRate: 8000 });
    assert.equal(original.channels, 6);
    assert.equal(original.channelLayout, '5.1(side)');
    const four = await decodeToWav(mkv, out(), { channels: 2, format: 'f32' });
    assert.deepEqual([four.channels, four.channelLayout, four.format], [2, 'stereo', 'f32']);
    assert.equal(readWav(four.path).channels, 2);
  });

  it('reports progress by timestamp, ending at the end', async () => {
    const seen: number[] = [];
    let total: number | null = null;
    await decodeToWav(await media.lateAudioMp4(), out(), { onProgress: (p) => (seen.push(p.seconds), (total = p.totalSeconds)) });
    assert.ok(seen.length >= 1);
    assert.deepEqual([...seen].sort((a, b) => a - b), seen, 'monotonic');
    assert.ok(Math.abs(seen.at(-1)! - 5) < 0.05, `last progress ${seen.at(-1)}`);
    assert.equal(total, 5);
  });

  it('has a sync twin that gives the same file', async () => {
    const input = await media.h264AacMp4();
    const a = await decodeToWav(input, out(), { sampleRate: 22050 });
    const b = decodeToWavSync(input, out(), { sampleRate: 22050 });
    assert.equal(b.samples, a.samples);
    assert.ok(readWav(a.path).data.equals(readWav(b.path).data));
  });
});

describe('PCM chunk iterator', () => {
  it('yields the same samples as the WAV, in chunks of the asked length, with timeline times', async () => {
    const input = await media.lateAudioMp4();
    const wav = readWav((await decodeToWav(input, out(), { sampleRate: 16000, channels: 'mono' })).path);
    const parts: Buffer[] = [];
    let expectTime = 0;
    for await (const chunk of decodeAudio(input, { sampleRate: 16000, channels: 'mono', chunkSeconds: 0.25 })) {
      assert.ok(chunk.samples <= 4000 && chunk.samples > 0);
      assert.equal(chunk.data.length, chunk.samples * 2);
      assert.ok(Math.abs(chunk.time - expectTime) < 1e-9, `chunk at ${chunk.time}, expected ${expectTime}`);
      expectTime += chunk.samples / 16000;
      parts.push(chunk.data);
    }
    assert.ok(Buffer.concat(parts).equals(wav.data), 'identical to decodeToWav');
  });

  it('exposes stream info, typed views, and stops cleanly when the loop breaks', async () => {
    const stream = await openAudioStream(await media.h264Ac3Mkv(), { language: 'eng', format: 'f32', centerOnly: true, chunkSeconds: 0.1 });
    assert.deepEqual([stream.info.streamIndex, stream.info.format, stream.info.channels, stream.info.centerExtracted], [1, 'f32', 1, true]);
    let count = 0;
    for await (const chunk of stream) {
      const view = pcmSamples(chunk, 'f32');
      assert.ok(view instanceof Float32Array && view.length === chunk.samples);
      if (++count === 3) break;
    }
    assert.equal(await stream.read(), null, 'closed after break');
  });

  it('has a sync form for worker threads', async () => {
    const input = await media.mp3Audio();
    const stream = openAudioStreamSync(input, { sampleRate: 8000, channels: 'mono' });
    let total = 0;
    for (const chunk of stream) total += chunk.samples;
    assert.equal(total, (await decodeToWav(input, out(), { sampleRate: 8000, channels: 'mono' })).samples);
  });

  // Memory over a long input (RSS growth of the chunk iterator on two hours): `npm run bench -- ffmpeg`.
});
