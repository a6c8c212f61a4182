/** encodeAudio: PCM to AAC, Opus, FLAC and WAV, with bitrate and channel options. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, linkSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeToWav, encodeAudio, encodeAudioSync, probe, type NativeError } from '../../../native/lib/index.js';
import * as media from '../../fixtures/media.js';
import { channel, readWav, toneAmplitude, toneFrequency } from './signal.js';
import { scratchDir, settledLeftovers } from './scratch.js';

const dir = scratchDir('encode');

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: NativeError) => (assert.equal(e.code, code, e.message), true));
}

describe('encodeAudio', () => {
  const cases = [
    { codec: 'aac', file: 'a.m4a', probeCodec: 'aac', frame: 1024 },
    { codec: 'aac', file: 'a.aac', probeCodec: 'aac', frame: 1024 },
    { codec: 'opus', file: 'a.opus', probeCodec: 'opus', frame: 960 },
    { codec: 'flac', file: 'a.flac', probeCodec: 'flac', frame: 4608 },
    { codec: 'wav', file: 'a.wav', probeCodec: 'pcm_s16le', frame: 0 },
    { codec: 'aac', file: 'a.mka', probeCodec: 'aac', frame: 1024 },
  ] as const;
  for (const { codec, file, probeCodec, frame } of cases) {
    it(`WAV -> ${codec} (${file}): right codec, length, and the tone survives`, async () => {
      const input = await media.toneWav(1000, 2, 48000, 2);
      const path = join(dir, file);
      const result = await encodeAudio(input, path, { codec });
      assert.equal(result.path, path);
      assert.equal(result.samples, 96000);
      const info = await probe(path);
      const audio = info.streams[0]!;
      assert.equal(audio.codec, probeCodec);
      assert.equal(audio.channels, 2);
      assert.equal(audio.sampleRate, 48000);
      const back = await decodeToWav(path, join(dir, `back-${file}.wav`), { channels: 'mono', format: 'f32' });
      // Codec delay and padding may add up to a frame or two; never lose audio.
      assert.ok(back.samples >= 96000 - 1 && back.samples <= 96000 + 2 * frame + 1, `${back.samples} samples decoded back`);
      assert.ok(Math.abs(toneFrequency(readWav(back.path).samples, 48000) - 1000) < 1);
    });
  }

  it('sets bitrate, channels, layout and rate', async () => {
    const input = await media.toneWav(1000, 2, 48000, 1);
    const aac = await encodeAudio(input, join(dir, 'b.m4a'), { codec: 'aac', bitrate: 64000, channels: 2 });
    assert.equal(aac.channels, 2);
    const aacInfo = (await probe(aac.path)).streams[0]!;
    assert.ok(Math.abs(aacInfo.bitRate! - 64000) < 16000, `AAC at ${aacInfo.bitRate} b/s`);
    const surround = await encodeAudio(input, join(dir, 'c.m4a'), { codec: 'aac', layout: '5.1' });
    assert.deepEqual([surround.channels, (await probe(surround.path)).streams[0]!.channels], [6, 6]);
    const opus = await encodeAudio(input, join(dir, 'd.opus'), { codec: 'opus', sampleRate: 44100 });
    assert.equal(opus.sampleRate, 48000, 'Opus moves 44.1 kHz to a rate it supports');
    const wav24 = await encodeAudio(input, join(dir, 'e.wav'), { codec: 'wav', wavFormat: 's24', sampleRate: 16000 });
    const w = readWav(wav24.path);
    assert.deepEqual([w.format, w.sampleRate, w.frames], ['s24', 16000, 32000]);
    const float = readWav((await encodeAudio(input, join(dir, 'f.wav'), { codec: 'wav', wavFormat: 'f32' })).path);
    assert.equal(float.format, 'f32');
  });

  it('reads headerless PCM when told its format', async () => {
    const raw = join(dir, 'tone.s16');
    const samples = new Int16Array(16000);
    for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 500 * i) / 16000));
    writeFileSync(raw, Buffer.from(samples.buffer));
    const result = encodeAudioSync(raw, join(dir, 'raw.wav'), { codec: 'wav', raw: { sampleFormat: 's16', sampleRate: 16000, channels: 1 } });
    assert.equal(result.samples, 16000);
    const wav = readWav(result.path);
    assert.ok(wav.data.equals(Buffer.from(samples.buffer)), 'the samples pass through unchanged');
  });

  it('reads multichannel headerless PCM in the layout raw.layout names', async () => {
    const rate = 48000;
    const frames = rate / 2;
    const pcm = new Int16Array(frames * 6);
    for (let i = 0; i < frames; i++) {
      for (let c = 0; c < 6; c++) pcm[i * 6 + c] = Math.round(8000 * Math.sin((2 * Math.PI * media.CHANNEL_TONES_HZ[c]! * i) / rate));
    }
    const raw = join(dir, 'six.s16');
    writeFileSync(raw, Buffer.from(pcm.buffer));
    const back = await encodeAudio(raw, join(dir, 'six-back.wav'), { codec: 'wav', raw: { sampleFormat: 's16', sampleRate: rate, layout: '5.1' } });
    assert.deepEqual([back.channels, back.channelLayout], [6, '5.1']);
    assert.equal((await probe(back.path)).streams[0]!.channelLayout, '5.1');
    assert.ok(readWav(back.path).data.equals(Buffer.from(pcm.buffer)), 'the samples pass through unchanged');
    const custom = encodeAudioSync(raw, join(dir, 'six-custom.wav'), { codec: 'wav', raw: { sampleFormat: 's16', sampleRate: rate, channels: 6, layout: 'FL+FR+FC+LFE+SL+SR' } });
    assert.equal(custom.channelLayout, '5.1(side)');

    // Into AAC, the side surrounds become back surrounds (AAC's standard 5.1; a PCE layout
    // would be read back as "unknown"), each channel where it was.
    const aac = await encodeAudio(raw, join(dir, 'six-side.m4a'), { codec: 'aac', raw: { sampleFormat: 's16', sampleRate: rate, layout: '5.1(side)' } });
    assert.equal(aac.channelLayout, '5.1');
    assert.equal((await probe(aac.path)).streams[0]!.channelLayout, '5.1');
    const decoded = readWav((await decodeToWav(aac.path, join(dir, 'six-side.wav'), { format: 'f32' })).path);
    for (const c of [0, 1, 2, 4, 5]) {
      const hz = media.CHANNEL_TONES_HZ[c]!;
      assert.ok(toneAmplitude(channel(decoded, c), rate, hz, 0.1, 0.4) > 0.15, `channel ${c} carries its ${hz} Hz tone`);
    }

    for (const bad of [{ layout: 'seven-ish' }, { layout: 'stereo', channels: 6 }]) {
      await expectCode(encodeAudio(raw, join(dir, 'bad.wav'), { codec: 'wav', raw: { sampleFormat: 's16', sampleRate: rate, ...bad } }), 'E_INVALID_ARGUMENT');
    }
    await expectCode(encodeAudio(raw, join(dir, 'bad.wav'), { codec: 'wav', raw: { sampleFormat: 's16', sampleRate: rate } }), 'E_INVALID_ARGUMENT');
  });

  describe('layouts an encoder does not take become the nearest it does', () => {
    const cases = [
      // Opus takes only the Vorbis order. Side and back surrounds are the same speakers, so
      // 5.1(side) is relabelled: the side tones come out of the back channels.
      { from: '5.1(side)', count: 6, codec: 'opus', file: 'side.opus', to: '5.1', expect: [[0, 300], [1, 400], [2, 1000], [4, 500], [5, 600]] },
      // 7.1 plus a top centre -> AAC (no such configuration, not even with a PCE): 7.1.
      { from: 'FL+FR+FC+LFE+BL+BR+SL+SR+TC', count: 9, codec: 'aac', file: 'nine.m4a', to: '7.1', expect: [[0, 300], [1, 400], [2, 1000], [4, 500], [6, 700]] },
      // 2.1 -> FLAC (whose readers take 3 channels as FL+FR+FC): stereo, not an LFE played as centre.
      { from: '2.1', count: 3, codec: 'flac', file: 'two-one.flac', to: 'stereo', expect: [[0, 300], [1, 400]] },
      // 16 channels -> Opus (at most 8): 7.1, the speakers it has kept in place.
      { from: 'hexadecagonal', count: 16, codec: 'opus', file: 'sixteen.opus', to: '7.1', expect: [[0, 300], [1, 400], [2, 1000], [6, 700], [7, 800]] },
    ] as const;
    for (const { from, count, codec, file, to, expect } of cases) {
      it(`${from} -> ${codec}: ${to}`, async () => {
        const input = await media.channelTonesWav(from, count);
        const result = await encodeAudio(input, join(dir, file), { codec });
        assert.equal(result.channelLayout, to);
        assert.equal((await probe(result.path)).streams[0]!.channelLayout, to);
        const decoded = readWav((await decodeToWav(result.path, join(dir, `${file}.wav`), { format: 'f32' })).path);
        for (const [c, hz] of expect) {
          assert.ok(toneAmplitude(channel(decoded, c), 48000, hz, 0.2, 0.8) > 0.1, `output channel ${c} carries ${hz} Hz`);
        }
      });
    }
  });

  it("aacCoder picks the AAC encoder's search ('fast' writes a different, valid stream)", async () => {
    const input = await media.channelTonesWav('5.1', 6);
    const [twoloop, fast] = await Promise.all([
      encodeAudio(input, join(dir, 'twoloop.m4a'), { codec: 'aac', aacCoder: 'twoloop' }),
      encodeAudio(input, join(dir, 'fast.m4a'), { codec: 'aac', aacCoder: 'fast' }),
    ]);
    assert.ok(!readFileSync(twoloop.path).equals(readFileSync(fast.path)), 'the coder option reached the encoder');
    const decoded = readWav((await decodeToWav(fast.path, join(dir, 'fast.wav'), { format: 'f32' })).path);
    assert.equal(decoded.channels, 6);
    for (const c of [0, 1, 2, 4, 5]) {
      const hz = media.CHANNEL_TONES_HZ[c]!;
      assert.ok(Math.abs(toneFrequency(channel(decoded, c), 48000, 0.2, 0.8) - hz) < 1, `channel ${c} keeps its ${hz} Hz tone`);
    }
    await expectCode(encodeAudio(input, join(dir, 'x.opus'), { codec: 'opus', aacCoder: 'fast' }), 'E_INVALID_ARGUMENT');
    await expectCode(encodeAudio(input, join(dir, 'x.m4a'), { codec: 'aac', aacCoder: 'anmr' as never }), 'E_INVALID_ARGUMENT');
  });

  it('gives outputs the mode a plain new file gets (not the 0600 of its temp file)', async () => {
    const reference = join(dir, 'reference.txt');
    writeFileSync(reference, '');
    const result = await encodeAudio(await media.toneWav(1000, 1), join(dir, 'mode.wav'), { codec: 'wav' });
    assert.equal(statSync(result.path).mode & 0o777, statSync(reference).mode & 0o777);
  });

  it('replaces an existing output whole, and deletes the old file in the background', async () => {
    const target = join(dir, 'replaced.wav');
    const usersOtherName = join(dir, 'hard-link-of-the-old-file.wav');
    writeFileSync(target, 'the old file');
    linkSync(target, usersOtherName);
    const before = statSync(target);
    const result = await encodeAudio(await media.toneWav(1000, 1), target, { codec: 'wav' });
    assert.equal(readWav(result.path).frames, 48000);
    assert.notEqual(statSync(target).ino, before.ino);
    assert.equal(statSync(target).mode, before.mode, 'the replacement gets the mode of the file it replaces');
    // The hidden second name that kept the old file alive through the rename is gone...
    assert.deepEqual(await settledLeftovers(dir), []);
    // ...and only that name: another link to the old file is someone else's.
    assert.equal(readFileSync(usersOtherName, 'utf8'), 'the old file');
  });

  it('encodes the chosen stream of a video file', async () => {
    const result = await encodeAudio(await media.h264Ac3Mkv(), join(dir, 'ger.flac'), { codec: 'flac', language: 'ger' });
    assert.equal(result.channels, 2);
  });

  it('rejects bad arguments before any work, and unwritable outputs without leaving files', async () => {
    const input = await media.toneWav(1000, 2);
    await expectCode(encodeAudio(input, join(dir, 'x.m4a'), { codec: 'opus' }), 'E_INVALID_ARGUMENT');
    await expectCode(encodeAudio(input, join(dir, 'x.xyz'), { codec: 'aac' }), 'E_INVALID_ARGUMENT');
    await expectCode(encodeAudio(input, join(dir, 'x.flac'), { codec: 'flac', bitrate: 128000 }), 'E_INVALID_ARGUMENT');
    await expectCode(encodeAudio(input, join(dir, 'x.m4a'), { codec: 'aac', layout: 'seven-ish' }), 'E_INVALID_ARGUMENT');
    await expectCode(encodeAudio(input, join(dir, 'missing', 'x.m4a'), { codec: 'aac' }), 'E_OUTPUT_WRITE');
    await expectCode(encodeAudio(join(dir, 'nothing.wav'), join(dir, 'y.m4a'), { codec: 'aac' }), 'E_MEDIA_UNREADABLE');
    assert.equal(existsSync(join(dir, 'y.m4a')), false);
    assert.deepEqual(await settledLeftovers(dir), []);
    assert.ok(readdirSync(dir).length > 0);
  });
});
