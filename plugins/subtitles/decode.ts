/**
 * Subtitle files come in whatever encoding their author's editor used. Text with a BOM is
 * read as the BOM says; otherwise as UTF-8 when it is valid UTF-8, else as Windows-1252
 * (a superset of Latin-1 and what older Western-European .srt files are in).
 */
export interface DecodedText {
  text: string;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
}

export function decodeSubtitleBytes(bytes: Uint8Array): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: fixC1(new TextDecoder('windows-1252').decode(bytes)), encoding: 'windows-1252' };
  }
}

/**
 * Node's TextDecoder decodes 'windows-1252' as Latin-1, leaving bytes 0x80-0x9F as C1
 * control characters (nodejs/node#56542, unfixed in Node 20/22), which loses the curly
 * quotes, dashes, ellipsis and euro sign such files are full of. Map them per the WHATWG
 * windows-1252 index; on a fixed Node this finds nothing to do.
 */
const CP1252_C1 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

function fixC1(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (c) => CP1252_C1[c.charCodeAt(0) - 0x80]!);
}
