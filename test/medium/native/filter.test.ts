/**
 * libavfilter graphs (atempo, volume, loudnorm, sidechain ducking, amix, adelay, pan,
 * amerge) and EBU R128 measurement, checked against the signal and against ffmpeg's ebur128.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { measureLoudness, measureLoudnessSync, runFilterGraph, runFilterGraphSync, type NativeError } from '../../../native/lib/index.js';
import * as media from '../../fixtures/media.js';
import { ebur128Summary } from './ffprobe.js';
import { channel, firstSound, readWav, toneAmplitude, toneFrequency } from './signal.js';
import { scratchDir } from './scratch.js';

const dir = scratchDir('filter');
let n = 0;
const out = (ext = 'wav') => join(dir, `f${n++}.${ext}`);

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: NativeError) => (assert.equal(e.code, code, e.message), true));
}

describe('runFilterGraph', () => {
  it('atempo stretches time and keeps pitch', async () => {
    const input = await media.toneWav(1000, 4);
    const result = await runFilterGraph({ inputs: [input], graph: 'atempo=1.25', out: out(), codec: 'wav' });
    assert.ok(Math.abs(result.durationSeconds - 4 / 1.25) < 0.05, `${result.durationSeconds} s`);
    assert.ok(Math.abs(toneFrequency(readWav(result.path).samples, 48000) - 1000) < 2);
  });

  it('a one-input graph may leave out either label or both, async and sync', async () => {
    const input = await media.toneWav(1000, 1);
    for (const graph of ['atempo=1.25', '[in0]atempo=1.25', 'atempo=1.25[out]', 'atempo=1.25,volume=0.5', 'asplit[a][b];[a][b]amix=inputs=2']) {
      const tempo = graph.includes('atempo') ? 1.25 : 1;
      for (const result of [await runFilterGraph({ inputs: [input], graph, out: out(), codec: 'wav' }), runFilterGraphSync({ inputs: [input], graph, out: out(), codec: 'wav' })]) {
        assert.ok(Math.abs(result.durationSeconds - 1 / tempo) < 0.03, `'${graph}': ${result.durationSeconds} s`);
      }
    }
    // With several inputs the graph has to say which is which.
    await assert.rejects(runFilterGraph({ inputs: [input, input], graph: 'amix=inputs=2', out: out(), codec: 'wav' }), (e: NativeError) => {
      assert.equal(e.code, 'E_INVALID_ARGUMENT');
      assert.match(e.message, /\[in0\], \[in1\] and 2 unlabelled pads unconnected/);
      return true;
    });
  });

  it('volume and loudnorm change loudness by what they say', async () => {
    const input = await media.toneWav(1000, 4);
    const before = await measureLoudness(input);
    const quieter = await runFilterGraph({ inputs: [input], graph: '[in0]volume=-6dB[out]', out: out(), codec: 'wav', wavFormat: 'f32' });
    const after = await measureLoudness(quieter.path);
    assert.ok(Math.abs(after.integratedLufs! - (before.integratedLufs! - 6)) < 0.1, `${before.integratedLufs} -> ${after.integratedLufs}`);
    const normalized = await runFilterGraph({ inputs: [input], graph: 'loudnorm=I=-16:TP=-1.5:LRA=11', out: out('flac'), codec: 'flac', sampleRate: 48000 });
    const n16 = await measureLoudness(normalized.path);
    assert.ok(Math.abs(n16.integratedLufs! + 16) < 1, `loudnorm reached ${n16.integratedLufs} LUFS`);
  });

  it('ducks one input under another (sidechaincompress) and mixes (amix)', async () => {
    const music = await media.toneWav(300, 4);
    const voice = await media.toneWav(1000, 2);
    const ducked = await runFilterGraph({
      inputs: [music, voice],
      // The sidechain is padded with silence so the music goes on after the voice ends.
      graph: '[in1]asplit[sc][v];[sc]apad[scp];[in0][scp]sidechaincompress=threshold=0.01:ratio=20:attack=5:release=50[duck];[duck][v]amix=inputs=2:duration=longest:normalize=0[out]',
      out: out(),
      codec: 'wav',
      wavFormat: 'f32',
    });
    assert.ok(Math.abs(ducked.durationSeconds - 4) < 0.05, `${ducked.durationSeconds} s (amix: the longer input)`);
    const x = readWav(ducked.path).samples;
    const musicWhileVoice = toneAmplitude(x, 48000, 300, 0.5, 1.5);
    const musicAlone = toneAmplitude(x, 48000, 300, 2.5, 3.5);
    assert.ok(musicWhileVoice < musicAlone / 3, `music ${musicWhileVoice} under the voice vs ${musicAlone} alone`);
    assert.ok(toneAmplitude(x, 48000, 1000, 0.5, 1.5) > 0.1, 'the voice is in the mix');
  });

  it('adelay, pan and amerge place and route channels', async () => {
    const a = await media.toneWav(500, 2);
    const b = await media.toneWav(1000, 2);
    const result = runFilterGraphSync({
      inputs: [a, { path: b }],
      // amerge cannot negotiate layouts on its own when pan follows; aformat pins them.
      graph: '[in0]adelay=1500:all=1,aformat=channel_layouts=mono[d];[in1]aformat=channel_layouts=mono[e];[d][e]amerge=inputs=2,pan=stereo|c0=c1|c1=c0[out]',
      out: out(),
      codec: 'wav',
    });
    assert.equal(result.channels, 2);
    const wav = readWav(result.path);
    const left = channel(wav, 0);
    const right = channel(wav, 1);
    assert.ok(Math.abs(toneFrequency(left, 48000, 0.2, 1.2) - 1000) < 2, 'pan swapped: the 1 kHz input is on the left');
    assert.ok(Math.abs(firstSound(right, 48000) - 1.5) < 0.01, 'the delayed 500 Hz input starts at 1.5 s on the right');
  });

  it('rejects graphs that do not parse, leave pads open, or open files', async () => {
    const input = await media.toneWav(1000, 1);
    await expectCode(runFilterGraph({ inputs: [input], graph: 'notafilter=1', out: out(), codec: 'wav' }), 'E_INVALID_ARGUMENT');
    await expectCode(runFilterGraph({ inputs: [input, input], graph: '[in0]volume=1[out]', out: out(), codec: 'wav' }), 'E_INVALID_ARGUMENT');
    await expectCode(runFilterGraph({ inputs: [input], graph: 'amovie=/etc/passwd[out]', out: out(), codec: 'wav' }), 'E_INVALID_ARGUMENT');
    await expectCode(runFilterGraph({ inputs: [], graph: 'anull', out: out(), codec: 'wav' }), 'E_INVALID_ARGUMENT');
  });
});

describe('measureLoudness', () => {
  for (const [name, make] of [['AAC stereo tone', media.h264AacMp4], ['AC3 5.1', media.h264Ac3Mkv], ['Opus', media.vp9OpusWebm]] as const) {
    it(`agrees with ffmpeg's ebur128 summary: ${name}`, async () => {
      const input = await make();
      const [ours, theirs] = await Promise.all([measureLoudness(input), ebur128Summary(input)]);
      assert.ok(Math.abs(ours.integratedLufs! - theirs.i) <= 0.1, `I ${ours.integratedLufs} vs ${theirs.i}`);
      assert.ok(Math.abs(ours.lra! - theirs.lra) <= 0.1, `LRA ${ours.lra} vs ${theirs.lra}`);
      assert.ok(Math.abs(ours.truePeakDbtp! - theirs.peak) <= 0.1, `true peak ${ours.truePeakDbtp} vs ${theirs.peak}`);
    });
  }

  // What it saves (CPU time): `npm run bench -- loudness`.
  it('truePeak: false gives the same loudness and LRA, with the sample peak instead of the true peak', async () => {
    const input = await media.loudnessWav();
    const full = await measureLoudness(input, { truePeak: true });
    const fast = await measureLoudness(input, { truePeak: false });
    assert.equal(fast.integratedLufs, full.integratedLufs);
    assert.equal(fast.lra, full.lra);
    assert.ok(full.lra! > 1, `LRA ${full.lra} LU: the fixture must have a range to compare`);
    assert.deepEqual([fast.lraLowLufs, fast.lraHighLufs], [full.lraLowLufs, full.lraHighLufs]);
    assert.equal(fast.truePeakDbtp, null);
    assert.equal(full.samplePeakDbfs, null);
    // The sample peak never exceeds the true peak, and for these tones sits within 0.1 dB of it.
    assert.ok(fast.samplePeakDbfs! <= full.truePeakDbtp! + 1e-6 && fast.samplePeakDbfs! > full.truePeakDbtp! - 0.1);
  });

  it('works on a chosen stream, synchronously too', async () => {
    const mkv = await media.h264Ac3Mkv();
    const ger = measureLoudnessSync(mkv, { stream: 2 });
    const eng = await measureLoudness(mkv, { language: 'eng' });
    assert.ok(ger.integratedLufs! < eng.integratedLufs! - 3, `the quiet German track (${ger.integratedLufs}) is not the English one (${eng.integratedLufs})`);
  });
});
