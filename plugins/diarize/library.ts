/**
 * The speaker library of a series: a folder per series (the source file's folder, or the one
 * above a "Season N" folder) under the speakers dir, holding one small JSON file per episode
 * with that episode's speakers: library id, speech time and mean voice embedding.
 *
 * An episode is named against the speakers of the *other* episodes only, and its own file is
 * rewritten whole each time (atomically: a temp file, fsync, rename), so re-running an episode
 * gives it the same names, two episodes running at once never lose each other's writes, and a
 * crash leaves either the old file or the new one.
 */
import { createHash, randomUUID } from 'node:crypto';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import type { DiarizationSpeaker } from '../sdk/artifacts.js';
import { speakerNumber } from '../sdk/speaker-voices.js';

const SEASON = /^(?:season|series|saison|staffel|temporada|stagione|seizoen|sezon)[\s._-]*\d+$|^s\d{1,3}$|^specials?$/i;

/** The folder whose episodes share a library: the file's folder, or its parent for a season folder. */
export function seriesFolder(source: string): string {
  const parent = dirname(source);
  return SEASON.test(basename(parent)) ? dirname(parent) : parent;
}

const slug = (s: string) => s.normalize('NFKD').replace(/[^\w.-]+/g, '_').replace(/^[._]+/, '').slice(0, 40) || 'x';
const digest = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);

/** Readable and unique: the series folder's name and a digest of its path. */
export function libraryFolder(root: string, series: string): string {
  return join(root, `${slug(basename(series))}-${digest(series)}`);
}

export function episodeFileName(source: string): string {
  return `${slug(basename(source))}-${digest(source)}.json`;
}

export const EpisodeSpeakers = z.object({
  version: z.literal(1),
  series: z.string(),
  source: z.string(),
  /** The embedding model's identity; other models' embeddings are not compared. */
  embedder: z.string(),
  speakers: z.array(z.object({ id: z.string().regex(/^S\d+$/), speechMs: z.number().nonnegative(), embedding: z.array(z.number()).min(1) })),
});
export type EpisodeSpeakers = z.infer<typeof EpisodeSpeakers>;

/** The other episodes' files of the library; unreadable ones are named, not fatal. */
export async function readLibrary(folder: string, ownFile: string): Promise<{ episodes: EpisodeSpeakers[]; unreadable: string[] }> {
  const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => n.endsWith('.json') && n !== ownFile && !n.startsWith('.')).sort();
  const episodes: EpisodeSpeakers[] = [];
  const unreadable: string[] = [];
  for (const n of names) {
    try {
      episodes.push(EpisodeSpeakers.parse(JSON.parse(await readFile(join(folder, n), 'utf8'))));
    } catch {
      unreadable.push(join(folder, n));
    }
  }
  return { episodes, unreadable };
}

/**
 * What the library's files are now, for a cache key: the names and contents of every episode
 * file (the own one too: once the library is wiped, the episode must be stored again).
 */
export async function libraryIdentity(folder: string): Promise<string> {
  const h = createHash('sha256');
  const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
  for (const n of names) h.update(n).update('\0').update(await readFile(join(folder, n)).catch(() => Buffer.alloc(0))).update('\0');
  return h.digest('hex').slice(0, 32);
}

export interface LibrarySpeaker { id: string; embedding: Float64Array; speechMs: number }

/** Each library id once: its episodes' embeddings averaged, weighted by speech time, unit length. */
export function librarySpeakers(episodes: readonly EpisodeSpeakers[], embedder: string): LibrarySpeaker[] {
  const byId = new Map<string, LibrarySpeaker>();
  for (const e of episodes) {
    if (e.embedder !== embedder) continue;
    for (const s of e.speakers) {
      const u = unit(s.embedding);
      let acc = byId.get(s.id);
      if (acc && acc.embedding.length !== u.length) continue;
      if (!acc) byId.set(s.id, (acc = { id: s.id, embedding: new Float64Array(u.length), speechMs: 0 }));
      const w = Math.max(1, s.speechMs);
      u.forEach((v, i) => { acc.embedding[i]! += w * v; });
      acc.speechMs += s.speechMs;
    }
  }
  return [...byId.values()].map((s) => ({ ...s, embedding: unit(s.embedding) }));
}

export interface SpeakerName { id: string; known: boolean }

/**
 * Library ids for the file's speakers: the most similar (speaker, stored speaker) pairs at or
 * above `threshold` first, one to one; the rest get the lowest ids the library does not use.
 */
export function nameSpeakers(local: readonly DiarizationSpeaker[], library: readonly LibrarySpeaker[], threshold: number): Map<string, SpeakerName> {
  const pairs: Array<{ local: string; stored: string; sim: number }> = [];
  for (const s of local) {
    if (!s.embedding) continue;
    const u = unit(s.embedding);
    for (const l of library) if (l.embedding.length === u.length) pairs.push({ local: s.id, stored: l.id, sim: dot(u, l.embedding) });
  }
  pairs.sort((a, b) => b.sim - a.sim || a.local.localeCompare(b.local) || a.stored.localeCompare(b.stored));
  const names = new Map<string, SpeakerName>();
  const taken = new Set<string>();
  for (const p of pairs) {
    if (p.sim < threshold) break;
    if (names.has(p.local) || taken.has(p.stored)) continue;
    names.set(p.local, { id: p.stored, known: true });
    taken.add(p.stored);
  }
  const used = new Set([...library.map((l) => l.id), ...taken]);
  let n = 1;
  for (const s of local) {
    if (names.has(s.id)) continue;
    while (used.has(`S${n}`)) n++;
    names.set(s.id, { id: `S${n}`, known: false });
    used.add(`S${n}`);
  }
  return names;
}

/** Writes the episode's file atomically: temp file, fsync, rename, fsync of the folder. */
export async function writeEpisode(folder: string, file: string, episode: EpisodeSpeakers): Promise<string> {
  const target = join(folder, file);
  const tmp = join(folder, `.${file}.${randomUUID()}.tmp`);
  const sorted = { ...episode, speakers: [...episode.speakers].sort((a, b) => (speakerNumber(a.id) ?? 0) - (speakerNumber(b.id) ?? 0)) };
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(`${JSON.stringify(sorted)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  const dir = await open(folder, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
  return target;
}

function unit(v: ArrayLike<number>): Float64Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  return Float64Array.from(v as ArrayLike<number>, (x) => x * inv);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
