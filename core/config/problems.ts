import { DubarrError } from '../../plugins/sdk/errors.js';

/** One thing wrong with the configuration, and where the offending value came from. */
export interface ConfigProblem {
  /** Dotted key path ('server.port', 'watch.folders[0].mode'), or the variable/file at fault. */
  path: string;
  message: string;
  /** 'default', 'file <path>', 'env <NAME>' or 'override'. */
  source: string;
}

export function formatKeyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, seg) =>
    typeof seg === 'number' ? `${out}[${seg}]` : out ? `${out}.${String(seg)}` : String(seg), '');
}

/** All problems in one error, one per line, so a user fixes everything in one pass. */
export function configError(problems: readonly ConfigProblem[]): DubarrError {
  const n = problems.length;
  const lines = problems.map((p) => `  - ${p.path}: ${p.message} (from ${p.source})`);
  return new DubarrError('E_CONFIG_INVALID',
    [`Invalid configuration: ${n} problem${n === 1 ? '' : 's'}`, ...lines].join('\n'),
    { details: { problems: problems.map((p) => ({ ...p })) } });
}
