/**
 * Subtitle text -> raw cues, with subsrt-ts doing the format parsing. Each cue is parsed on
 * its own so that one malformed cue is skipped with a warning instead of failing the file
 * (subsrt-ts silently drops unmatched SRT blocks and throws on a bad ASS time).
 */
import subsrt from 'subsrt-ts';
import type { SubtitleFormat } from '../sdk/sidecar-name.js';

export interface RawCue {
  start: number;
  end: number;
  /** Cue text with its markup, lines separated by '\n'. */
  content: string;
  /** The ASS/SSA 'Name' (actor) field, when set. */
  actor?: string;
  /** 1-based line of the cue in the file, for warnings. */
  line: number;
}

export interface ParsedSubtitles {
  format: SubtitleFormat;
  cues: RawCue[];
  warnings: string[];
}

interface Caption { type?: string; start?: number; end?: number; content?: string; data?: unknown }

/** ASS styles used for signs, songs and karaoke: on-screen text, not dialogue. */
const TYPESETTING_STYLE = /sign|song|karaoke|typeset|^(op|ed|opening|ending|title)\b/i;

export function detectSubtitleFormat(text: string): SubtitleFormat | undefined {
  if (/^\s*WEBVTT(?:[ \t][^\n]*)?(?:\n|$)/.test(text)) return 'vtt';
  const ass = subsrt.format.ass!.detect(text);
  if (ass === 'ass' || ass === 'ssa') return ass;
  if (subsrt.format.srt!.detect(text)) return 'srt';
  return undefined;
}

/**
 * Parses SRT, WebVTT or ASS/SSA. The content decides the format; `hint` (the file
 * extension or stream codec) is used when the content does not say.
 */
export function parseSubtitleText(input: string, hint?: SubtitleFormat): ParsedSubtitles {
  const text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '');
  const format = detectSubtitleFormat(text) ?? hint;
  if (!format) return { format: 'srt', cues: [], warnings: ['not a subtitle file (no SRT, WebVTT or ASS/SSA structure found)'] };
  const out: ParsedSubtitles = { format, cues: [], warnings: [] };
  if (format === 'ass' || format === 'ssa') parseAss(text, out);
  else parseBlocks(text, format, out);
  return out;
}

function parseBlocks(text: string, format: 'srt' | 'vtt', out: ParsedSubtitles): void {
  let line = 1;
  text.split(/(\n(?:[ \t]*\n)+)/).forEach((raw, i) => {
    const at = line;
    line += raw.split('\n').length - 1;
    // Odd elements are the blank-line separators the split captured.
    if (i % 2 === 1 || raw.trim() === '') return;
    if (format === 'vtt' && /^\s*(WEBVTT|NOTE|STYLE|REGION)\b/.test(raw)) return;
    const block = format === 'srt' ? normalizeSrtBlock(raw.trimStart()) : raw.trimStart();
    const cap = tryParse(block, format).find((c) => c.type === 'caption');
    if (cap) accept(cap, at, out);
    else out.warnings.push(`line ${at}: skipped a malformed cue: ${JSON.stringify(raw.slice(0, 60))}`);
  });
}

/**
 * Repairs what real SRT files get wrong and subsrt-ts does not accept or misreads: a
 * missing cue number, coordinates after the timing ('X1:...'), and short fractions
 * ('00:00:01,5' is 500 ms, not 5).
 */
function normalizeSrtBlock(block: string): string {
  const withNumber = /^\d{1,2}:\d{1,2}:\d{1,2}/.test(block) ? `0\n${block}` : block;
  const lines = withNumber.split('\n');
  const t = /^(\d{1,2}:\d{1,2}:\d{1,2})(?:[.,](\d{1,3}))?\s*-->\s*(\d{1,2}:\d{1,2}:\d{1,2})(?:[.,](\d{1,3}))?/.exec(lines[1] ?? '');
  if (t) lines[1] = `${t[1]},${(t[2] ?? '0').padEnd(3, '0')} --> ${t[3]},${(t[4] ?? '0').padEnd(3, '0')}`;
  return lines.join('\n');
}

function parseAss(text: string, out: ParsedSubtitles): void {
  const lines = text.split('\n');
  let inEvents = false;
  let formatLine: string | undefined;
  lines.forEach((l, i) => {
    const section = /^\s*\[([^\]]+)\]/.exec(l);
    if (section) { inEvents = section[1]!.trim().toLowerCase() === 'events'; return; }
    if (!inEvents) return;
    if (/^\s*Format\s*:/i.test(l)) { formatLine = l.trim(); return; }
    if (!/^\s*Dialogue\s*:/i.test(l)) return;
    if (!formatLine) {
      formatLine = 'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text';
      out.warnings.push(`line ${i + 1}: no Format line before the first Dialogue; assuming the standard ASS columns`);
    }
    const cap = tryParse(`[Events]\n${formatLine}\n${l.trim()}`, 'ass').find((c) => c.type === 'caption');
    if (!cap) { out.warnings.push(`line ${i + 1}: skipped a malformed Dialogue line: ${JSON.stringify(l.slice(0, 60))}`); return; }
    const data = (cap.data ?? {}) as Record<string, string | undefined>;
    if (TYPESETTING_STYLE.test(data.Style?.trim() ?? '')) return;
    accept({ ...cap, content: assText(l, formatLine) }, i + 1, out, data.Name?.trim() || undefined);
  });
}

/**
 * The Text column of a Dialogue line. subsrt-ts 2.1.2 drops its first character (an
 * off-by-one in its comma work-around), so it is taken from the line: Text is the last
 * column and the only one that may contain commas.
 */
function assText(line: string, formatLine: string): string {
  const columns = formatLine.replace(/^\s*Format\s*:/i, '').split(',').length;
  const values = line.replace(/^\s*Dialogue\s*:\s*/i, '');
  return values.split(',').slice(columns - 1).join(',');
}

function tryParse(content: string, format: SubtitleFormat): Caption[] {
  try {
    return subsrt.parse(content, { format, eol: '\n' }) as Caption[];
  } catch {
    return [];
  }
}

function accept(cap: Caption, line: number, out: ParsedSubtitles, actor?: string): void {
  const { start, end, content } = cap;
  if (!Number.isFinite(start) || !Number.isFinite(end) || typeof content !== 'string') {
    out.warnings.push(`line ${line}: skipped a cue without valid times`);
    return;
  }
  if (end! <= start!) {
    out.warnings.push(`line ${line}: skipped a cue that ends before it starts`);
    return;
  }
  out.cues.push({ start: Math.round(start!), end: Math.round(end!), content: content.replace(/\s+$/, ''), line, ...(actor ? { actor } : {}) });
}
