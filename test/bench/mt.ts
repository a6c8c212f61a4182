/**
 * `npm run bench -- mt`: the marian and nllb translators on their tiny models: time inside
 * ONNX Runtime's session.run against the provider's own (tokenizing, the decoding loop,
 * log-softmax and cache bookkeeping), greedy and with a beam of 4, batched by 8 and one unit
 * at a time. The tiny models' session.run is far cheaper than a real model's, so the share of
 * our code here is an upper bound of what it is on opus-mt or NLLB.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchMarian } from '../../plugins/marian/bench.js';
import { benchNllb } from '../../plugins/nllb/bench.js';
import type { Seq2SeqBenchResult } from '../../plugins/sdk/seq2seq-bench.js';
import { installTinyMarian, installTinyNllb } from '../fixtures/tiny-translators.js';

/** Best of 3 by total time: the machine is shared. */
async function best(run: () => Promise<Seq2SeqBenchResult>): Promise<Seq2SeqBenchResult> {
  let out: Seq2SeqBenchResult | undefined;
  for (let i = 0; i < 3; i++) {
    const r = await run();
    if (!out || r.totalMs < out.totalMs) out = r;
  }
  return out!;
}

export default async function bench(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'dubarr-bench-mt-'));
  try {
    const marian = await installTinyMarian(root);
    const nllb = await installTinyNllb(root);
    const rows: Array<[string, Seq2SeqBenchResult]> = [
      ['marian greedy, batch 8', await best(() => benchMarian(marian))],
      ['marian greedy, batch 1', await best(() => benchMarian(marian, { batchSize: 1 }))],
      ['marian beam 4, batch 8', await best(() => benchMarian(marian, { beams: 4 }))],
      ['nllb greedy, batch 8', await best(() => benchNllb(nllb))],
    ];
    console.log('provider                  units  total ms  session.run ms  tokenize ms  runs  our share');
    for (const [name, r] of rows) {
      console.log(`${name.padEnd(25)} ${String(r.units).padStart(5)} ${r.totalMs.toFixed(1).padStart(9)} ${r.sessionRunMs.toFixed(1).padStart(15)} ${r.tokenizeMs.toFixed(1).padStart(12)} ${String(r.runs).padStart(5)} ${(100 * r.ourShare).toFixed(1).padStart(9)} %`);
    }
    const [mg, m1, mb, ng] = rows.map(([, r]) => r);
    console.log(`RESULT mt marian_ours_pct=${(100 * mg!.ourShare).toFixed(1)} marian_beam4_ours_pct=${(100 * mb!.ourShare).toFixed(1)} nllb_ours_pct=${(100 * ng!.ourShare).toFixed(1)} batch8_vs_1=${(m1!.totalMs / mg!.totalMs).toFixed(2)}x marian_ms_per_unit=${(mg!.totalMs / mg!.units).toFixed(2)}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
