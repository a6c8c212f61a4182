/** `dubarr models list|pull|remove|verify`: the model manager at a terminal or in a script. */
import cliProgress from 'cli-progress';
import { DubarrError } from '../../plugins/sdk/errors.js';
import type { ModelEntry } from '../../plugins/sdk/models.js';
import type { ModelListing, ModelManager, Verification } from '../models/model-manager.js';
import type { PullProgress } from '../models/pull-model.js';

const MB = 1e6;

/** '142 MB', '1.2 GB'. */
export function sizeText(mb: number): string {
  return mb >= 1000 ? `${(mb / 1000).toFixed(1)} GB` : `${Math.max(1, Math.round(mb))} MB`;
}

/** 'any', 'en,es,fr', 'en>es', or the first few and how many more (NLLB has 200). */
export function languagesText(e: ModelEntry): string {
  const items = e.pairs?.length ? e.pairs.map(([a, b]) => `${a}>${b}`) : e.languages === '*' ? ['any'] : e.languages;
  return items.length > 6 ? `${items.slice(0, 5).join(',')},+${items.length - 5}` : items.join(',');
}

export function statusText(m: ModelListing): string {
  if (m.problem) return 'broken';
  if (m.installed) return !m.inCatalogue ? 'installed (by hand)' : m.outdated ? 'outdated' : 'installed';
  const total = m.entry.files.reduce((n, f) => n + f.size, 0);
  return m.partialBytes > 0 && total > 0 ? `partial ${Math.floor((m.partialBytes / total) * 100)}%` : 'not installed';
}

/** One model a line, its id first; columns aligned across the list. */
export function formatModelList(list: readonly ModelListing[]): string[] {
  const rows = list.map((m) => [m.id, m.entry.task, statusText(m), sizeText(m.entry.sizeMb), languagesText(m.entry), m.entry.license,
    m.problem ? `${m.problem}: dubarr models remove ${m.id}` : m.entry.improves ?? m.entry.title ?? '']);
  const widths = rows.reduce((w, r) => w.map((n, i) => Math.max(n, r[i]!.length)), [0, 0, 0, 0, 0, 0, 0]);
  return rows.map((r) => r.map((v, i) => (i === r.length - 1 ? v : i === 3 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd());
}

export interface PullCommand {
  ids: string[];
  /** Where progress goes (stderr): a bar on a terminal, a line per 10 % otherwise. */
  err: NodeJS.WriteStream;
  out: NodeJS.WritableStream;
  signal: AbortSignal;
}

/** Pulls each model in turn; stops at the first error (thrown, coded). */
export async function pullModels(manager: ModelManager, c: PullCommand): Promise<void> {
  for (const id of c.ids) {
    const progress = c.err.isTTY ? barProgress(c.err, id) : lineProgress(c.err, id);
    try {
      const outcome = await manager.pull(id, {
        signal: c.signal,
        onProgress: progress.update,
        onWait: (h) => c.err.write(`another dubarr process (pid ${h.pid} on ${h.host}) is pulling ${id}; waiting for it to finish\n`),
      });
      progress.stop();
      c.out.write(outcome.downloaded ? `installed ${id} in ${outcome.dir}\n` : `${id} is already installed (${outcome.dir})\n`);
    } catch (e) {
      progress.stop();
      throw e;
    }
  }
}

interface ProgressView { update(p: PullProgress): void; stop(): void }

function barProgress(stream: NodeJS.WriteStream, id: string): ProgressView {
  const bar = new cliProgress.SingleBar({
    format: `${id} {bar} {percentage}% | {done}/{size} MB | {file}`, stream, hideCursor: true, fps: 5,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(p) {
      const payload = { done: (p.bytes / MB).toFixed(1), size: (p.total / MB).toFixed(1), file: p.file };
      if (!started) { started = true; bar.start(p.total, p.bytes, payload); }
      bar.update(p.bytes, payload);
    },
    stop() { if (started) bar.stop(); },
  };
}

function lineProgress(stream: NodeJS.WritableStream, id: string): ProgressView {
  let shown = -1;
  return {
    update(p) {
      const tenth = p.total ? Math.floor((p.bytes / p.total) * 10) : 10;
      if (tenth <= shown) return;
      shown = tenth;
      stream.write(`pull ${id}: ${tenth * 10}% (${(p.bytes / MB).toFixed(1)} of ${(p.total / MB).toFixed(1)} MB, ${p.file})\n`);
    },
    stop() {},
  };
}

/** 'ok' or what is wrong, a line per model; E_MODEL_CHECKSUM when any failed. */
export function verificationText(v: Verification): string {
  const note = v.outdated ? ' (the catalogue lists newer files: dubarr models pull to update)' : '';
  if (v.ok) return `${v.id}  ok, ${v.files.length} files${note}`;
  return [`${v.id}  FAILED${note}`, ...v.files.filter((f) => !f.ok).map((f) => `  ${f.path}: ${f.problem ?? ''}`)].join('\n');
}

export async function verifyModels(manager: ModelManager, ids: string[], out: NodeJS.WritableStream): Promise<void> {
  const targets = ids.length > 0 ? ids : (await manager.list()).filter((m) => m.installed).map((m) => m.id);
  if (targets.length === 0) { out.write('no model is installed\n'); return; }
  const failed: string[] = [];
  for (const id of targets) {
    const v = await manager.verify(id);
    out.write(`${verificationText(v)}\n`);
    if (!v.ok) failed.push(id);
  }
  if (failed.length) {
    throw new DubarrError('E_MODEL_CHECKSUM', `${failed.join(', ')} failed verification: ${failed.map((id) => `dubarr models remove ${id} && dubarr models pull ${id}`).join('; ')}`);
  }
}
