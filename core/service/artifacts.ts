import { statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { Delivery } from '../../plugins/sdk/artifacts.js';
import { languageCode } from '../../plugins/sdk/languages.js';
import { parseSidecarName } from '../../plugins/sdk/sidecar-name.js';
import type { Job, StageRun } from '../jobs/store.js';
import type { JobCost } from '../jobs/cost-ledger.js';
import { qaReport } from './job-view.js';

export type ArtifactKind = 'video' | 'audio' | 'subtitle' | 'report' | 'preview' | 'image';

/** Something a job made that can be downloaded. */
export interface Artifact {
  /** Unique within the job; the last part of its URL. */
  name: string;
  kind: ArtifactKind;
  language?: string;
  size: number;
  /** Where to download it: /api/jobs/:id/artifacts/:name. */
  url: string;
  /** Where the bytes are: a file (never shown to clients), or the document itself (the QA report). */
  source: { file: string } | { document: Buffer };
}

const SUBTITLE = new Set(['.srt', '.vtt', '.ass', '.ssa']);
const AUDIO = new Set(['.mka', '.m4a', '.opus', '.flac', '.ogg', '.wav']);
const REPORT_NAME = 'qa-report.json';

function kindOf(file: string): ArtifactKind {
  const ext = extname(file).toLowerCase();
  return SUBTITLE.has(ext) ? 'subtitle' : AUDIO.has(ext) ? 'audio' : 'video';
}

/** `Movie.dubarr.es.srt` beside `Movie.mkv` -> 'es'; `Movie.es.mka` -> 'es'. */
function languageOfSidecar(video: string, file: string): string | undefined {
  const tags = parseSidecarName(basename(video), basename(file));
  if (tags) return tags.language;
  const parts = basename(file, extname(file)).split('.');
  return parts.length > 1 ? languageCode(parts.at(-1)) : undefined;
}

/**
 * A job's artifacts: what its delivery steps wrote (the dubbed video, sidecar tracks, subtitle
 * files), each target's mixed dub track alone (a stage-cache file: listed while the cache keeps
 * it), and the QA report. A file that is gone (moved by the user, pruned from the cache) is
 * not listed.
 */
export function listArtifacts(job: Job, runs: readonly StageRun[], cost?: JobCost): Artifact[] {
  const out: Artifact[] = [];
  const names = new Set<string>();
  const add = (a: Omit<Artifact, 'url' | 'name'>, wanted: string) => {
    let name = wanted;
    for (let i = 2; names.has(name); i++) name = `${basename(wanted, extname(wanted))} (${i})${extname(wanted)}`;
    names.add(name);
    out.push({ ...a, name, url: `/api/jobs/${job.id}/artifacts/${encodeURIComponent(name)}` });
  };
  const addFile = (file: string, kind: ArtifactKind, language: string | undefined, name = basename(file)) => {
    const st = statSync(file, { throwIfNoEntry: false });
    if (st?.isFile()) add({ kind, language, size: st.size, source: { file } }, name);
  };
  const outputs = (job.result as { outputs?: Record<string, { data?: unknown }> } | undefined)?.outputs ?? {};
  const steps = job.plan?.steps ?? [];

  const seen = new Set<string>();
  for (const step of steps.filter((s) => s.capability === 'mux')) {
    const d = Delivery.safeParse(outputs[step.id]?.data);
    if (!d.success) continue;
    const tracks = (outputs[step.id]!.data as { tracks?: Array<{ language?: string }> }).tracks ?? [];
    const video = d.data.video;
    for (const file of [...(video ? [video] : []), ...d.data.written]) {
      if (seen.has(file)) continue;
      seen.add(file);
      const kind = file === video ? 'video' : kindOf(file);
      const language = kind === 'video'
        ? (tracks.length === 1 ? tracks[0]!.language : job.targetLanguages.length === 1 ? job.targetLanguages[0] : undefined)
        : languageOfSidecar(video ?? job.input, file);
      addFile(file, kind, language);
    }
  }

  // The dub track alone: what each mux step took as `mix:<lang>` (the mux stage's contract).
  const lastRun = new Map<string, StageRun>();
  for (const r of runs) lastRun.set(r.step, r);
  for (const step of steps.filter((s) => s.capability === 'mux')) {
    for (const [name, ref] of Object.entries(step.inputs)) {
      const lang = /^mix:(.+)$/.exec(name)?.[1];
      const r = lastRun.get(ref);
      const track = (r?.artifacts as { files?: Record<string, string> } | undefined)?.files?.track;
      if (lang && track && (r!.status === 'succeeded' || r!.status === 'cached')) addFile(track, 'audio', lang, `dub-track.${lang}${extname(track)}`);
    }
  }

  // Each target's preview (ffmpeg:preview, a stage-cache file like the dub track): the clip with
  // the dub, the clip with the original alone, its poster. Thumbnails are of the film, not of a
  // language: the first target's are listed, and its poster is the job's `poster.jpg`.
  const previews = steps.filter((s) => s.capability === 'preview');
  for (const [i, step] of previews.entries()) {
    const r = lastRun.get(step.id);
    if (!r || (r.status !== 'succeeded' && r.status !== 'cached')) continue;
    const files = (r.artifacts as { files?: Record<string, string> } | undefined)?.files ?? {};
    const lang = typeof step.params.targetLanguage === 'string' ? step.params.targetLanguage : undefined;
    const tag = lang ? `.${lang}` : '';
    if (files.preview) addFile(files.preview, 'preview', lang, `preview${tag}.mp4`);
    if (files.original) addFile(files.original, 'preview', undefined, `preview-original${tag}.mp4`);
    if (files.poster) addFile(files.poster, 'image', lang, i === 0 ? 'poster.jpg' : `poster${tag}.jpg`);
    if (i > 0) continue;
    for (let n = 1; files[`thumb-${n}`]; n++) addFile(files[`thumb-${n}`]!, 'image', undefined, `thumb-${n}.jpg`);
  }

  const qa = qaReport(job);
  if (qa !== undefined) {
    // The report as downloaded carries the job's cost ledger beside the QA step's findings.
    const document = Buffer.from(`${JSON.stringify(cost ? { ...(qa as object), cost } : qa, null, 2)}\n`);
    add({ kind: 'report', size: document.length, source: { document } }, REPORT_NAME);
  }
  return out;
}
