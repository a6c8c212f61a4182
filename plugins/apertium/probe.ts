import { runApertium } from './apertium-process.js';

export interface Probe { ok: boolean; version?: string; error?: string }

const RECHECK_FAILED_MS = 30_000;
const cache = new Map<string, { at: number; probe: Promise<Probe> }>();

/** `apertium -V`, remembered per binary (a failure only briefly, so an install is noticed). */
export function probeApertium(binary: string): Promise<Probe> {
  const hit = cache.get(binary);
  if (hit && Date.now() - hit.at < RECHECK_FAILED_MS) return hit.probe;
  const probe = runApertium({ binary, args: ['-V'], timeoutMs: 4000 })
    .then((out): Probe => ({ ok: true, version: out.trim() }))
    .catch((e: Error): Probe => ({ ok: false, error: e.message }));
  const entry = { at: Date.now(), probe };
  cache.set(binary, entry);
  void probe.then((p) => { if (p.ok) entry.at = Infinity; });
  return probe;
}
