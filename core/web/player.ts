/**
 * A player for a finished job that switches between the original audio and the dub.
 * The dubbed video keeps the original as its default audio track. Where the browser exposes
 * audio tracks (Safari; Chromium and Firefox only behind a flag) the switch picks the track;
 * elsewhere the dub plays from the dub-track artifact in an <audio> element kept in step with
 * the muted video. A `preview.<lang>.mp4` artifact, when the server makes one, is preferred.
 */
import { h } from './dom.js';
import type { Artifact } from './job-feed.js';
import { languageName } from './format.js';

interface AudioTrackLike { enabled: boolean; language: string }
type WithTracks = HTMLVideoElement & { audioTracks?: ArrayLike<AudioTrackLike> & { length: number } };

/** Further apart than this (s) the dub is moved back to the picture. */
const MAX_DRIFT_S = 0.25;

export function player(jobId: string, lang: string, artifacts: Artifact[]): HTMLElement | null {
  const video = artifacts.find((a) => a.name === `preview.${lang}.mp4`)
    ?? artifacts.find((a) => a.kind === 'video' && a.language === lang);
  const dub = artifacts.find((a) => a.kind === 'audio' && a.language === lang && a.name.startsWith('dub-track.'));
  if (!video) return null;
  const poster = artifacts.find((a) => a.name === 'poster.jpg');
  const v = h('video', { controls: true, preload: 'metadata', src: video.url, poster: poster?.url, class: 'player' }) as WithTracks;
  const a = dub ? h('audio', { preload: 'auto', src: dub.url }) : null;
  const name = `audio-${jobId}-${lang}`;
  let mode: 'original' | 'dub' = 'original';

  const nativeTracks = () => (v.audioTracks && v.audioTracks.length > 1 ? v.audioTracks : undefined);
  const sync = () => {
    if (!a || mode !== 'dub' || nativeTracks()) return;
    if (Math.abs(a.currentTime - v.currentTime) > MAX_DRIFT_S) a.currentTime = v.currentTime;
    a.playbackRate = v.playbackRate;
    if (v.paused || v.ended) a.pause();
    else void a.play().catch(() => undefined);
  };
  const choose = (m: 'original' | 'dub') => {
    mode = m;
    const tracks = nativeTracks();
    if (tracks) {
      // The dub is the track in the target language (the source's may share no code with it).
      for (let i = 0; i < tracks.length; i++) tracks[i]!.enabled = m === 'dub' ? i === tracks.length - 1 : i === 0;
      return;
    }
    v.muted = m === 'dub';
    if (m === 'original') a?.pause();
    sync();
  };
  for (const ev of ['play', 'pause', 'seeked', 'ratechange', 'ended', 'timeupdate']) v.addEventListener(ev, sync);

  const option = (m: 'original' | 'dub', label: string, disabled = false) => h('label', { class: 'check' },
    h('input', { type: 'radio', name, value: m, checked: m === 'original', disabled, onchange: () => choose(m) }), ` ${label}`);
  return h('section', { class: 'preview', 'aria-label': `Preview in ${languageName(lang)}` },
    v, a,
    h('fieldset', { class: 'audio-choice' }, h('legend', {}, 'Audio'),
      option('original', 'Original'), option('dub', `Dub: ${languageName(lang)}`, !dub && !nativeTracks())));
}
