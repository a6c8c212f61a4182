#!/usr/bin/env node
/**
 * `npm run eval -- asr|mt|tts [--model <id>] [--provider <plugin>] [--clips <dir>] ...`:
 * scores a provider on short clips with reference texts (core/eval/run-eval.ts). Prints a
 * table of the clips, the figures, and last a line `EVAL <task> key=value ...`.
 */
import { Argument, Command, Option } from 'commander';
import { DubarrError } from '../../plugins/sdk/errors.js';
import { loadConfig } from '../config/load.js';
import { formatEvalLine, formatEvalSummary, formatEvalTable } from '../eval/eval-report.js';
import { EVAL_TASKS, runEval, type EvalTask } from '../eval/run-eval.js';
import { dropWritesToClosedPipes } from './closed-pipe.js';

dropWritesToClosedPipes();

const program = new Command('eval')
  .description('score a provider on short clips with reference texts: WER and real-time factor (asr), BLEU and chrF (mt), round-trip WER and real-time factor (tts)')
  .addArgument(new Argument('<task>', 'asr, mt or tts').choices(EVAL_TASKS))
  .option('--model <id>', 'a model id from `dubarr models list` (or a model folder); its provider runs it')
  .option('--provider <plugin>', 'a provider plugin, e.g. pocketsphinx, apertium, espeak-ng (default: the one a job would use)')
  .option('--clips <dir>', 'your own clips instead of the bundled set (README, "Evaluate")')
  .option('--limit <n>', 'only the first n clips')
  .option('--lang <code>', 'asr, tts: the language spoken', 'en')
  .option('--from <code>', 'mt: source language', 'en')
  .option('--to <code>', 'mt: target language', 'es')
  .option('-c, --config <file>', 'config file (default: $DUBARR_CONFIG or ./dubarr.yaml)')
  .option('--data-dir <dir>', 'data folder (default ./data)')
  .addOption(new Option('--json', 'print the report as JSON'))
  .option('-v, --verbose', 'print the stages\' log lines')
  .action(async (task: EvalTask, o: { model?: string; provider?: string; clips?: string; limit?: string; lang: string; from: string; to: string; config?: string; dataDir?: string; json?: boolean; verbose?: boolean }) => {
    const limit = o.limit === undefined ? undefined : Number(o.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) throw new DubarrError('E_INVALID_ARGUMENT', `--limit must be a whole number >= 1, got '${o.limit}'`);
    const config = loadConfig({ file: o.config, flags: [{ flag: '--data-dir', path: ['dataDir'], value: o.dataDir }] });
    const report = await runEval({
      task, config, model: o.model, provider: o.provider, clips: o.clips, limit, lang: o.lang, from: o.from, to: o.to,
      onLog: (level, msg) => { if (o.verbose || level === 'warn' || level === 'error' || level === 'fatal') process.stderr.write(`${level}: ${msg}\n`); },
    });
    if (o.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(`${formatEvalTable(report)}\n\n${formatEvalSummary(report)}\n`);
    process.stdout.write(`${formatEvalLine(report)}\n`);
  });

try {
  await program.parseAsync();
} catch (e) {
  const err = DubarrError.from(e);
  process.stderr.write(`eval failed: ${err.code} ${err.message}\nhint: ${err.hint}\n`);
  process.exitCode = 1;
}
