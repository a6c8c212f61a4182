import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecoderOutputParser, isFiller } from './decoder-output.js';

// Output of pocketsphinx_continuous -time yes (0.8+5prealpha), including an utterance with no hypothesis line.
const OUTPUT = `so where else this is the first sentence
<s> 0.000 0.020 0.999500
so 0.030 0.280 0.352776
where(2) 0.290 0.520 0.411230
<sil> 0.720 0.870 0.999500
[NOISE] 0.880 0.900 0.5
sentence 1.690 2.180 1.000100
</s> 2.190 2.710 1.000000
<s> 5.440 5.540 0.999900
weather 6.610 7.020 0.640855
</s> 7.030 7.310 1.000000
`;

test('decoder output: utterances, fillers and pronunciation suffixes dropped, posteriors clamped, split chunks joined', () => {
  const p = new DecoderOutputParser();
  const reached: number[] = [];
  for (const chunk of [OUTPUT.slice(0, 50), OUTPUT.slice(50, 51), OUTPUT.slice(51)]) {
    p.push(chunk);
    reached.push(p.reachedMs);
  }
  const utterances = p.end();
  assert.deepEqual(utterances.map((u) => u.map((w) => w.text)), [['so', 'where', 'sentence'], ['weather']]);
  assert.deepEqual(utterances[0]![0], { text: 'so', startMs: 30, endMs: 290, posterior: 0.352776 });
  assert.equal(utterances[0]![2]!.posterior, 1);
  assert.equal(reached.at(-1), 7320);
  assert.ok(reached[0]! < reached.at(-1)!);
});

test('fillers', () => {
  for (const f of ['<s>', '</s>', '<sil>', '[NOISE]', '[SPEECH]', '+NSN+', '++GARBAGE++']) assert.ok(isFiller(f), f);
  for (const w of ['hello', "don't", 'a(2)']) assert.ok(!isFiller(w), w);
});
