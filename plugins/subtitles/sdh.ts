/**
 * Removes what subtitles for the deaf and hard of hearing add to the dialogue: sound
 * descriptions in brackets or parentheses ([music], (laughs), [door\ncreaks]) and sung
 * lyrics between music notes (♪ ... ♪) or hashes (# ... #). Dubbing speaks dialogue only.
 */
export function removeSoundDescriptions(text: string): string {
  return text
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\([^)]*\)/g, ' ')
    .replace(/（[^）]*）/g, ' ')
    .split('\n')
    .map(removeLyrics)
    .join('\n');
}

function removeLyrics(line: string): string {
  const first = line.search(/[♪♫]/);
  if (first < 0) return /^\s*#.*#\s*$|^\s*#\s/.test(line) ? '' : line;
  let last = -1;
  for (let i = line.length - 1; i >= 0; i--) if (line[i] === '♪' || line[i] === '♫') { last = i; break; }
  // A single note opens lyrics that run to the end of the line.
  return last > first ? line.slice(0, first) + line.slice(last + 1) : line.slice(0, first);
}
