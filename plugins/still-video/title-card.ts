/**
 * The picture of a scene with no image: its prompt as a title card, white text on a dark
 * gradient whose hue follows the scene (its seed), so consecutive scenes look apart. A scene
 * with an image gets that image, cropped to fill the frame.
 */
import sharp from 'sharp';

export async function titleCard(prompt: string, width: number, height: number, seed: number, file: string): Promise<void> {
  const hue = (seed * 137) % 360;
  const size = Math.max(10, Math.round(height / 9));
  const perLine = Math.max(8, Math.floor((width * 0.84) / (size * 0.56)));
  const lines = wrapWords(prompt, perLine).slice(0, 6);
  const top = height / 2 - ((lines.length - 1) * size * 1.25) / 2;
  const text = lines.map((l, i) => `<text x="50%" y="${(top + i * size * 1.25).toFixed(1)}" text-anchor="middle" dominant-baseline="middle">${escapeXml(l)}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
<stop offset="0" stop-color="hsl(${hue},45%,22%)"/><stop offset="1" stop-color="hsl(${(hue + 40) % 360},55%,8%)"/></linearGradient></defs>
<rect width="100%" height="100%" fill="url(#g)"/>
<g font-family="DejaVu Sans, sans-serif" font-size="${size}" fill="#f4f1ea">${text}</g></svg>`;
  await sharp(Buffer.from(svg)).png().toFile(file);
}

export async function fittedImage(image: string, width: number, height: number, file: string): Promise<void> {
  await sharp(image).rotate().resize(width, height, { fit: 'cover' }).flatten({ background: '#000000' }).png().toFile(file);
}

export function wrapWords(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.trim().split(/\s+/u)) {
    if (line && line.length + 1 + word.length > width) { out.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}
