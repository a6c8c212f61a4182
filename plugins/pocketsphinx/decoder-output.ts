/**
 * Parses what pocketsphinx_continuous -time yes prints. After each utterance it prints the
 * hypothesis on one line, then one line per word of the best path:
 *   <s> 0.000 0.190 0.999400
 *   absolutely 1.390 2.260 0.966374
 *   that(2) 4.060 4.230 0.052071
 * word, first frame and last frame in seconds (absolute within the decoded stream), and the
 * word's posterior probability (exp of its lattice log posterior; rounding can push it a
 * hair over 1). Fillers (<s>, </s>, <sil>, [NOISE], [SPEECH], +...+) are not words, and
 * '(2)' marks an alternate pronunciation of the same word.
 */
export interface DecodedWord { text: string; startMs: number; endMs: number; posterior: number }
export type Utterance = DecodedWord[];

const WORD_LINE = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) ([-+\d.eE]+)$/;
const FRAME_MS = 10;

export function isFiller(token: string): boolean {
  return /^(<.*>|\[.*\]|\+\+?.*\+\+?)$/.test(token);
}

export class DecoderOutputParser {
  readonly utterances: Utterance[] = [];
  /** The furthest time the decoder has reported, ms of the stream. */
  reachedMs = 0;
  private current: Utterance | undefined;
  private startedWithWords = false;
  private partial = '';

  /** Feeds a chunk of stdout; returns true when it completed at least one line. */
  push(chunk: string): boolean {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) this.line(line.trimEnd());
    return lines.length > 0;
  }

  end(): Utterance[] {
    if (this.partial) this.line(this.partial.trimEnd());
    this.partial = '';
    return this.utterances.filter((u) => u.length > 0);
  }

  private line(line: string): void {
    const m = WORD_LINE.exec(line);
    if (!m) {
      if (line) this.newUtterance();
      return;
    }
    const [, token, start, end, prob] = m;
    // An utterance whose hypothesis is empty prints no hypothesis line; its <s> starts it.
    if (token === '<s>' && this.startedWithWords) this.newUtterance();
    this.current ??= this.newUtterance();
    this.startedWithWords = true;
    const startMs = Math.round(Number(start) * 1000);
    // The printed end is the word's last frame; it lasts to the end of that frame.
    const endMs = Math.round(Number(end) * 1000) + FRAME_MS;
    this.reachedMs = Math.max(this.reachedMs, endMs);
    if (isFiller(token!)) return;
    const posterior = Math.min(1, Math.max(0, Number(prob)));
    this.current.push({ text: token!.replace(/\(\d+\)$/, ''), startMs, endMs, posterior: Number.isFinite(posterior) ? posterior : 0 });
  }

  private newUtterance(): Utterance {
    this.current = [];
    this.utterances.push(this.current);
    this.startedWithWords = false;
    return this.current;
  }
}
