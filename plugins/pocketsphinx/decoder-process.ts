/** Runs pocketsphinx_continuous on one raw PCM stream file, parsing its output as it comes. */
import { runTool } from '../sdk/child-process.js';
import { DecoderOutputParser, type Utterance } from './decoder-output.js';

export interface DecoderRun {
  binary: string;
  args: string[];
  signal?: AbortSignal;
  /** Called when the decoder reports a new furthest time (ms of the stream). */
  onReached?(ms: number): void;
}

export async function runDecoder({ binary, args, signal, onReached }: DecoderRun): Promise<Utterance[]> {
  const parser = new DecoderOutputParser();
  await runTool({
    binary, args, signal, tool: 'pocketsphinx', install: 'apt-get install pocketsphinx pocketsphinx-en-us',
    failureHint: 'Check the model paths (modelDir/hmm/lm/dict options); apt-get install --reinstall pocketsphinx-en-us restores the default model.',
    onStdout(s) {
      const before = parser.reachedMs;
      if (parser.push(s) && parser.reachedMs > before) onReached?.(parser.reachedMs);
    },
    // It logs hundreds of INFO lines; only errors say what went wrong.
    explain: (stderr) => stderr.split('\n').filter((l) => /^(ERROR|FATAL|SYSTEM_ERROR)/.test(l)).slice(-5).join(' | '),
  });
  return parser.end();
}
