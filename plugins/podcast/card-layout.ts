/**
 * Where each speaker's card sits: up to four in a row, more in a grid, between a band for the
 * episode's title and one kept free for captions burned in, and what colour a card is when its
 * speaker talks or is silent.
 */
export interface Box { x: number; y: number; w: number; h: number }

export function cardBoxes(count: number, width: number, height: number): Box[] {
  const top = Math.round(height * 0.2);
  const bottom = Math.round(height * 0.2);
  const cols = Math.min(4, Math.max(1, count));
  const rows = Math.ceil(count / cols);
  const pad = Math.round(Math.min(width, height) * 0.04);
  const cellW = (width - pad) / cols;
  const cellH = (height - top - bottom + pad) / rows;
  return Array.from({ length: count }, (_, i) => {
    const c = i % cols;
    const r = Math.floor(i / cols);
    return { x: Math.round(pad + c * cellW), y: Math.round(top + r * cellH), w: Math.round(cellW - pad), h: Math.round(cellH - pad) };
  });
}

/** `colour` mixed toward `background`: 1 keeps the colour, 0 is the background. */
export function dimmed(colour: string, background: string, keep: number): string {
  const rgb = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
  const a = rgb(colour);
  const b = rgb(background);
  return `#${a.map((v, i) => Math.round(b[i]! + (v - b[i]!) * keep).toString(16).padStart(2, '0')).join('')}`;
}
