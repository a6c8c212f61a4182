/**
 * SRT and WebVTT text, built by subsrt-ts. Its builders are correct for these two formats
 * (SRT: 1-based numbers, ',' before milliseconds; WebVTT: the 'WEBVTT' header, '.'), but
 * they write the text as given, so WebVTT's reserved characters are escaped here.
 */
import subsrt from 'subsrt-ts';
import type { TimedLines } from './violations.js';

export function formatCues(cues: readonly TimedLines[], format: 'srt' | 'vtt'): string {
  const escape = format === 'vtt' ? escapeVtt : (s: string) => s;
  const captions = cues.map((c, i) => {
    const text = c.lines.map(escape).join('\n');
    return { type: 'caption' as const, index: i + 1, start: c.start, end: c.end, duration: c.end - c.start, content: text, text };
  });
  return subsrt.build(captions, { format, eol: '\n' });
}

function escapeVtt(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
