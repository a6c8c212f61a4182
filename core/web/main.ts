/** Wires the page: the new-job form (file by picker or drop, languages, preset), uploads, the job list, providers, models. */
import { api, ApiFailure } from './api.js';
import { changeKey } from './api-key.js';
import { chosenLanguages, fillChoices, matchPreset, showProviders } from './choices.js';
import { announce, h } from './dom.js';
import { bytes, percent } from './format.js';
import { jobUpdates } from './job-feed.js';
import { JobList } from './job-list.js';
import { showModels } from './models-panel.js';
import { discardUpload, unfinishedUploads, upload } from './uploader.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const form = $<HTMLFormElement>('new-job');
const fileInput = $<HTMLInputElement>('file');
const drop = $<HTMLElement>('drop');
const chosen = $<HTMLElement>('chosen-file');
const bar = $<HTMLProgressElement>('upload-progress');
const uploadText = $<HTMLElement>('upload-status');
const submit = $<HTMLButtonElement>('start');
const feedStatus = $<HTMLElement>('feed-status');
const feed = jobUpdates((state) => {
  feedStatus.dataset.state = state;
  feedStatus.hidden = state === 'live';
  feedStatus.textContent = state === 'live' ? '' : 'Live updates interrupted; reconnecting…';
});
let file: File | undefined;

function choose(f: File | undefined): void {
  file = f;
  chosen.textContent = f ? `${f.name} (${bytes(f.size)})` : 'No file chosen';
}

fileInput.addEventListener('change', () => choose(fileInput.files?.[0]));
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const files = e.dataTransfer?.files;
  const f = files?.[0];
  if (!f) return;
  fileInput.files = files!; // the picker shows the dropped file too
  choose(f);
  announce(`Chosen: ${f.name}`);
});

/** Upload progress: the bar moves with every chunk; the live region speaks every 10 %. */
let spoken = -1;
function uploadProgress(sent: number, total: number): void {
  bar.max = total;
  bar.value = sent;
  const p = total ? sent / total : 0;
  uploadText.textContent = `Uploading: ${percent(p)} (${bytes(sent)} of ${bytes(total)})`;
  const tenth = Math.floor(p * 10);
  if (tenth !== spoken) { spoken = tenth; announce(uploadText.textContent); }
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const languages = chosenLanguages(form);
  const preset = $<HTMLSelectElement>('preset').value;
  if (!file) { uploadText.textContent = 'Choose a video first.'; fileInput.focus(); return; }
  if (languages.length === 0) { uploadText.textContent = 'Choose at least one target language.'; return; }
  submit.disabled = true;
  bar.hidden = false;
  uploadProgress(0, file.size);
  const u = upload(file, {
    progress: uploadProgress,
    async done(uploadId) {
      uploadProgress(file!.size, file!.size);
      try {
        await api('/api/jobs', { method: 'POST', body: { uploadId, targetLanguages: languages, preset } });
        uploadText.textContent = 'Uploaded: 100 %. The job is queued.';
        announce(uploadText.textContent);
        feed.poke();
        void showUnfinished();
      } catch (err) {
        uploadText.textContent = `The job was not created: ${err instanceof ApiFailure ? err.error.message : String(err)}`;
      }
      submit.disabled = false;
    },
    failed(message) {
      uploadText.textContent = `Upload failed: ${message}`;
      announce(uploadText.textContent);
      submit.disabled = false;
    },
  });
  void u.resumedFrom.then((offset) => { if (offset > 0) announce(`Resuming the upload at ${percent(offset / file!.size)}`); });
});

/** Uploads left unfinished (a reload, a lost connection): choosing the same file continues them. */
async function showUnfinished(): Promise<void> {
  const list = $<HTMLElement>('unfinished');
  const items = await unfinishedUploads().catch(() => []);
  list.hidden = items.length === 0;
  list.replaceChildren(...items.length ? [h('p', {}, 'Unfinished uploads: choose the same file again to continue where it stopped.'),
    h('ul', {}, ...items.map((u) => h('li', {}, `${u.filename}${u.size ? ` (${bytes(u.size)})` : ''} `,
      h('button', { type: 'button', onclick: async () => { await discardUpload(u); void showUnfinished(); } }, `Discard ${u.filename}`))))] : []);
}

$<HTMLSelectElement>('preset').addEventListener('change', (e) => matchPreset((e.target as HTMLSelectElement).value, $<HTMLElement>('languages')));

$<HTMLButtonElement>('key-button').addEventListener('click', () => { void changeKey().then(() => { void load(); feed.poke(); }); });

async function load(): Promise<void> {
  await Promise.all([
    fillChoices($<HTMLSelectElement>('preset'), $<HTMLElement>('languages')),
    showProviders($<HTMLElement>('providers')),
    // The models panel says its own trouble; the form does not depend on it.
    showModels($<HTMLElement>('models')).catch((e: unknown) => {
      $<HTMLElement>('models').replaceChildren(h('li', { class: 'error' }, `Could not list the models: ${e instanceof ApiFailure ? e.error.message : String(e)}`));
    }),
  ]).catch((e: unknown) => { uploadText.textContent = `Could not load the server's options: ${e instanceof ApiFailure ? e.error.message : String(e)}`; });
}

async function follow(): Promise<void> {
  const list = new JobList($<HTMLElement>('jobs'), () => feed.poke());
  for await (const jobs of feed.updates) list.show(jobs);
}

choose(undefined);
void load();
void showUnfinished();
void follow();
