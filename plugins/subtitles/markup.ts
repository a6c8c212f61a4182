/**
 * Removes formatting from cue text: HTML-like tags (<i>, <font>, WebVTT classes and
 * timestamps), ASS override blocks ({\an8}, {\pos(..)}) and ASS escapes (\N, \n, \h).
 * WebVTT voice tags (<v Roger>) name the speaker; they become a VOICE_MARK label that the
 * speaker-label step reads.
 */
export const VOICE_OPEN = '\u0001';
export const VOICE_CLOSE = '\u0002';

const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', lrm: '', rlm: '', hellip: '…',
};

/** True for ASS vector drawings ({\p1}m 0 0 l ...), which are shapes, not text. */
export function isAssDrawing(content: string): boolean {
  return /\{[^}]*\\p[1-9]/.test(content);
}

export function stripMarkup(content: string): string {
  return decodeEntities(
    content
      .replace(/\\[Nn]/g, '\n')
      .replace(/\\h/g, ' ')
      .replace(/<v(?:\.[^\s>]*)?\s+([^>]+)>/g, (_, name: string) => `${VOICE_OPEN}${name.trim()}${VOICE_CLOSE}`)
      .replace(/\{[^}]*\}/g, '')
      .replace(/<\/?[A-Za-z][^<>]*>/g, '')
      .replace(/<\d{1,2}(?::\d{2}){1,2}[.,]\d{3}>/g, ''),
  );
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, body: string) => {
    if (body[0] === '#') {
      const cp = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return ENTITIES[body.toLowerCase()] ?? m;
  });
}
