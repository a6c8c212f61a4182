/**
 * The second pass: speaker turns on the track from the windows' local speakers, now that each
 * (window, local speaker) has a cluster. Windows overlap, so each moment was seen several times:
 * as pyannote does, a frame has as many speakers as its windows counted on average (rounded),
 * namely the clusters most of its windows heard there. Frames are final once no later window
 * covers them, so they are turned into turns as the windows go by, in a ring of frames.
 */
import type { WindowResult } from './window-analysis.js';

export interface Turn { start: number; end: number; cluster: number }

export interface FrameGeometry {
  sampleRate: number;
  /** Segmentation frame step and receptive field, samples. */
  frameStep: number;
  frameField: number;
  speakers: number;
}

export function buildTurns(windows: readonly WindowResult[], clusterOf: (embedding: number) => number, clusters: number, g: FrameGeometry): Turn[] {
  if (clusters === 0 || windows.length === 0) return [];
  const cap = 2 * Math.max(...windows.map((w) => w.frames)) + 8;
  const votes = new Float32Array(cap * clusters);
  const covered = new Uint16Array(cap);
  const talking = new Uint16Array(cap);
  const held = new Float64Array(cap).fill(-1);
  const open = new Float64Array(clusters).fill(-1);
  const turns: Turn[] = [];
  const order = new Int32Array(clusters);
  const seen = new Uint8Array(clusters);
  const ms = (frame: number) => Math.max(0, Math.round(((frame * g.frameStep + g.frameField / 2 - g.frameStep / 2) * 1000) / g.sampleRate));
  let next = Math.round(windows[0]!.start / g.frameStep);

  const flush = (until: number) => {
    for (; next < until; next++) {
      const slot = next % cap;
      const n = held[slot] === next && covered[slot]! > 0 ? Math.round(talking[slot]! / covered[slot]!) : 0;
      // The n clusters with the most votes (and at least one) speak in this frame.
      for (let c = 0; c < clusters; c++) order[c] = c;
      const v = (c: number) => (held[slot] === next ? votes[slot * clusters + c]! : 0);
      order.sort((a, b) => v(b) - v(a) || a - b);
      seen.fill(0);
      for (let i = 0; i < Math.min(n, clusters); i++) if (v(order[i]!) > 0) seen[order[i]!] = 1;
      for (let c = 0; c < clusters; c++) {
        if (seen[c] && open[c]! < 0) open[c] = next;
        else if (!seen[c] && open[c]! >= 0) { turns.push({ start: ms(open[c]!), end: ms(next), cluster: c }); open[c] = -1; }
      }
      if (held[slot] === next) { held[slot] = -1; covered[slot] = 0; talking[slot] = 0; votes.fill(0, slot * clusters, (slot + 1) * clusters); }
    }
  };

  const heard = new Uint8Array(clusters);
  for (const w of windows) {
    const g0 = Math.round(w.start / g.frameStep);
    flush(g0);
    for (let k = 0; k < w.frames; k++) {
      const frame = g0 + k;
      const slot = frame % cap;
      if (held[slot] !== frame) { held[slot] = frame; covered[slot] = 0; talking[slot] = 0; votes.fill(0, slot * clusters, (slot + 1) * clusters); }
      covered[slot]!++;
      heard.fill(0);
      for (let s = 0; s < g.speakers; s++) {
        if (!w.active[k * g.speakers + s]) continue;
        talking[slot]!++;
        const c = w.embedding[s]! >= 0 ? clusterOf(w.embedding[s]!) : -1;
        if (c >= 0) heard[c] = 1;
      }
      for (let c = 0; c < clusters; c++) votes[slot * clusters + c]! += heard[c]!;
    }
  }
  const last = windows[windows.length - 1]!;
  flush(Math.round(last.start / g.frameStep) + last.frames + 1);
  return turns.sort((a, b) => a.start - b.start || a.cluster - b.cluster);
}

/** Per speaker: pauses under mergeGapMs closed, then turns under minSegmentMs dropped. */
export function tidyTurns(turns: readonly Turn[], o: { mergeGapMs: number; minSegmentMs: number }): Turn[] {
  const byCluster = new Map<number, Turn[]>();
  for (const t of turns) {
    const list = byCluster.get(t.cluster) ?? [];
    const prev = list.at(-1);
    if (prev && t.start - prev.end < o.mergeGapMs) prev.end = Math.max(prev.end, t.end);
    else list.push({ ...t });
    byCluster.set(t.cluster, list);
  }
  return [...byCluster.values()].flat()
    .filter((t) => t.end - t.start >= o.minSegmentMs)
    .sort((a, b) => a.start - b.start || a.cluster - b.cluster);
}
