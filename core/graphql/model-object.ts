import type { ModelListing, PullState } from '../models/model-manager.js';
import { upper } from './job-object.js';

/** A pull in the schema's ModelPull shape. */
export function pullObject(s: PullState) {
  return {
    id: s.id, status: upper(s.status), bytes: s.bytes, total: s.total,
    file: s.file, fileBytes: s.fileBytes, fileTotal: s.fileTotal, waiting: s.waiting ?? false, error: s.error,
  };
}

/** A listing in the schema's Model shape: what the catalogue says, and what models.dir holds. */
export function modelObject(m: ModelListing) {
  const e = m.entry;
  return {
    id: m.id, title: e.title, task: e.task, provider: e.provider,
    languages: e.languages === '*' ? null : e.languages, pairs: e.pairs?.map(([source, target]) => ({ source, target })),
    sizeMb: e.sizeMb, residentMb: e.residentMb, license: e.license, repo: e.source.repo, revision: e.source.revision,
    gated: e.gated ?? false, improves: e.improves,
    inCatalogue: m.inCatalogue, installed: m.installed, outdated: m.outdated, partialBytes: m.partialBytes, problem: m.problem,
    pull: m.pull && pullObject(m.pull),
  };
}
