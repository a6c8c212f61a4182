/**
 * The web page in a real browser: Debian's chromium, driven by playwright-core, against the real
 * server (bindHttp + createHttpApp over a real runtime, an API key required). A video dropped on
 * the page starts a tus upload; the test holds its second chunk, reloads the page, picks the same
 * file again and sees the upload continue where the server has it (no second upload created),
 * reach 100 % and become a job; the job runs the real extract and mux, the player plays with the
 * dub selected, and a download link saves exactly the artifact's bytes. A target no voice speaks
 * reads "subtitles only" and is disabled while the preset dubs.
 * The job list follows the jobsUpdated subscription: a job held at known points (files the test
 * stage waits on, no sleeps) moves on the page with no list request after load; the server then
 * drops the stream and answers 503 while the job finishes, and the page, reconnected, shows its
 * end from the list it reads again.
 * The models panel lists the catalogue and pulls a model from a local stand-in for Hugging Face
 * (its file held mid-way by the server, so the page certainly shows the bar moving), then shows
 * it installed; a model that fails its checksum shows the coded error.
 * Screenshots go to test-artifacts/web-page/ at the repository root (printed; look at them).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { copyFile, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { chromium, type BrowserContext, type Page, type Route } from 'playwright-core';
import { packageRoot } from '../../core/app/paths.js';
import { bindHttp } from '../../core/cli/serve.js';
import { createHttpApp } from '../../core/http/app.js';
import { stringify } from 'yaml';
import { distinctBytes, FakeHuggingFace, sha256, type FakeRepo } from '../fixtures/fake-hugging-face.js';
import { h264AacMp4 } from '../fixtures/media.js';
import { entryFor } from '../fixtures/model-manager-kit.js';
import { countingVendor, paidPreset } from '../fixtures/counting-vendor.js';
import { deliverPreset } from '../medium/core/deliver-preset.js';
import { CATALOG_PLUGINS_DIR, finished, testRuntime } from '../medium/core/harness.js';
import type { PresetInput } from '../../core/pipeline/plan.js';

// The functions handed to page.evaluate run in the page; this file is compiled without the DOM
// library (so server code cannot use browser globals by mistake), hence these local stand-ins.
declare const document: any, localStorage: any, DataTransfer: any, DragEvent: any;
type HTMLProgressElement = any; type HTMLVideoElement = any; type HTMLAudioElement = any;

const CHROMIUM = '/usr/bin/chromium';
/** No internet here: without these chromium keeps dialling out (updates, sync, QUIC probes). */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'];
const CHUNK = 64 * 1024;
const SHOTS = join(packageRoot, 'test-artifacts', 'web-page');

/** Waits for a state the page reaches; the deadline only turns a hang into a failure. */
const until = (page: Page, fn: (arg: any) => unknown, arg?: unknown) => page.waitForFunction(fn, arg, { timeout: 120_000, polling: 50 });

/** Debian's chromium on a fresh profile (also its TMPDIR: its singleton socket path must stay under 108 bytes, which the per-file temp dir's path would exceed). */
async function launch(): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  const profile = await mkdtemp(join(process.env.TEST_SHARED_TMPDIR ?? tmpdir(), 'dubarr-chromium-'));
  await mkdir(SHOTS, { recursive: true });
  console.log(`screenshots: ${SHOTS}`);
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 390, height: 844 }, acceptDownloads: true,
      env: { ...process.env, TMPDIR: profile },
    });
    const page = context.pages()[0] ?? await context.newPage();
    return { context, page, async close() { await context.close(); await rm(profile, { recursive: true, force: true }); } };
  } catch (e) {
    await rm(profile, { recursive: true, force: true });
    throw e;
  }
}

test('the web page: key prompt, drag-and-drop upload resumed after a reload, job to 100 %, the dub plays, downloads are the artifacts', async () => {
  // The catalog's test providers add a target no voice speaks (qad, subtitles only) and one a voice speaks (qab).
  const t = await testRuntime({ deliver: await deliverPreset() }, { server: { requireApiKey: true }, plugins: { dirs: [CATALOG_PLUGINS_DIR] } });
  const http = await bindHttp({ ...t.rt.config.server, host: '127.0.0.1', port: 0 });
  http.mount(createHttpApp(t.rt));
  const { key } = t.rt.apiKeys.create('browser test');
  let browser: Awaited<ReturnType<typeof launch>> | undefined;
  try {
    browser = await launch();
    const { page } = browser;
    // The file a user picks twice: the same name, size and modification time (whole seconds, so
    // the browser's File.lastModified is exact) identify it to tus-js-client across the reload.
    const video = join(t.dir, 'Película.mp4');
    await copyFile(await h264AacMp4(), video);
    await utimes(video, 1_700_000_000, 1_700_000_000);
    const bytes = await readFile(video);
    assert.ok(bytes.length > 3 * CHUNK, 'the upload takes several chunks');

    // The page loads without a key, asks for one at its first API call, and keeps it.
    await page.addInitScript((chunk) => localStorage.setItem('dubarr.upload.chunkBytes', String(chunk)), CHUNK);
    await page.goto(http.url);
    await page.locator('#key-dialog').waitFor({ state: 'visible' });
    await page.screenshot({ path: join(SHOTS, '1-key-prompt.png') });
    await page.fill('#key-input', key);
    await page.keyboard.press('Enter');
    await page.locator('#preset option[value=deliver]').waitFor({ state: 'attached' });
    assert.equal(await page.evaluate(() => localStorage.getItem('dubarr.apiKey')), key);

    // A target without a voice reads "subtitles only"; while the preset dubs (dub needs a voice)
    // its box is disabled and described by a note; with a preset that makes no dub (deliver) it
    // can be ticked, by keyboard too.
    const qad = page.locator('input[name=target][value=qad]');
    const qadLabel = page.locator('label.check').filter({ has: qad });
    assert.match(await qadLabel.textContent() ?? '', /\(subtitles only\)/);
    assert.doesNotMatch(await page.locator('label.check').filter({ has: page.locator('input[value=qab]') }).textContent() ?? '', /subtitles only/);
    assert.doesNotMatch(await page.locator('label.check').filter({ has: page.locator('input[value=es]') }).textContent() ?? '', /subtitles only/);
    assert.equal(await page.inputValue('#preset'), 'dub');
    assert.equal(await qad.isDisabled(), true);
    assert.equal(await page.locator('input[value=qab]').isDisabled(), false);
    assert.equal(await qad.getAttribute('aria-describedby'), 'subtitles-only-note');
    await page.locator('#subtitles-only-note').waitFor({ state: 'visible' });
    await page.screenshot({ path: join(SHOTS, '1b-subtitles-only.png'), fullPage: true });
    await page.locator('#preset').focus();
    await page.selectOption('#preset', 'deliver');
    assert.equal(await qad.isDisabled(), false);
    await page.locator('#subtitles-only-note').waitFor({ state: 'hidden' });
    await qad.focus();
    await page.keyboard.press('Space');
    assert.equal(await qad.isChecked(), true);
    await page.selectOption('#preset', 'dub');
    assert.deepEqual([await qad.isDisabled(), await qad.isChecked()], [true, false], 'a dub preset unticks it');

    // Every form control is reached with Tab, in order.
    await page.locator('.skip').focus();
    const reached: string[] = [];
    for (let i = 0; i < 20 && !reached.includes('start'); i++) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName || ''));
    }
    for (const id of ['key-button', 'file', 'other-languages', 'preset', 'start']) assert.ok(reached.includes(id), `${id} reached by Tab: ${reached.join(' ')}`);

    // Drop the file; the second chunk is held until the page is reloaded.
    const posts: string[] = [];
    let held: Route | undefined;
    let heldReached!: () => void;
    const secondChunk = new Promise<void>((r) => { heldReached = r; });
    let patches = 0;
    await page.route('**/uploads**', async (route) => {
      const req = route.request();
      if (req.method() === 'POST') posts.push(req.url());
      if (req.method() === 'PATCH' && ++patches === 2) { held = route; heldReached(); return; }
      await route.continue();
    });
    await page.evaluate(({ b64, name, lastModified }) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], name, { type: 'video/mp4', lastModified }));
      document.getElementById('drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, { b64: bytes.toString('base64'), name: 'Película.mp4', lastModified: 1_700_000_000_000 });
    assert.match(await page.textContent('#chosen-file') ?? '', /Película\.mp4/);
    await page.fill('#other-languages', 'es');
    await page.selectOption('#preset', 'deliver');
    await page.click('#start');
    await secondChunk;
    await until(page, (n: number) => (document.getElementById('upload-progress') as HTMLProgressElement).value === n, CHUNK);
    await page.screenshot({ path: join(SHOTS, '2-upload-held.png') });
    assert.equal(posts.length, 1);

    // Reload with the chunk still held (the page's requests die with it: no retry reaches the
    // server), then let the held request go.
    await page.reload();
    await held!.abort().catch(() => undefined);
    await page.unroute('**/uploads**');
    const offsets: number[] = [];
    await page.route('**/uploads**', async (route) => {
      const req = route.request();
      if (req.method() === 'POST') posts.push(req.url());
      if (req.method() === 'PATCH') offsets.push(Number(await req.headerValue('upload-offset')));
      await route.continue();
    });
    await page.locator('#unfinished li').filter({ hasText: 'Película.mp4' }).waitFor();
    await page.screenshot({ path: join(SHOTS, '3-after-reload.png') });
    await page.locator('#preset option[value=deliver]').waitFor({ state: 'attached' });
    await page.setInputFiles('#file', video);
    await page.fill('#other-languages', 'es');
    await page.selectOption('#preset', 'deliver');
    await page.click('#start');
    await until(page, () => /Uploaded: 100 %/.test(document.getElementById('upload-status')!.textContent ?? ''));
    assert.equal(posts.length, 1, 'the upload continued; no second upload was created');
    assert.equal(offsets[0], CHUNK, 'it continued at the offset the server had');
    const bar = await page.evaluate(() => { const p = document.getElementById('upload-progress') as HTMLProgressElement; return [p.value, p.max]; });
    assert.deepEqual(bar, [bytes.length, bytes.length]);

    // The job: listed, followed to the end, then its player, downloads and QA report.
    const card = page.locator('article.job').filter({ hasText: 'Película.mp4' });
    await card.locator('.status.succeeded').waitFor({ timeout: 120_000 });
    await card.locator('.preview video').waitFor();
    assert.match(await card.locator('.overall').textContent() ?? '', /succeeded/);
    assert.equal(await card.locator('.overall progress').evaluate((p) => (p as HTMLProgressElement).value), 1);
    await card.locator('.qa').waitFor();

    await page.screenshot({ path: join(SHOTS, '4-job-done.png'), fullPage: true });
    await card.getByRole('radio', { name: /Dub/ }).check();
    await card.locator('video').evaluate((v) => (v as HTMLVideoElement).play());
    await until(page, () => {
      const v = document.querySelector('.preview video') as HTMLVideoElement;
      const a = document.querySelector('.preview audio') as HTMLAudioElement;
      return v.currentTime > 0.5 && !v.paused && v.muted && !a.paused && a.currentTime > 0.5;
    });
    await card.locator('video').evaluate((v) => (v as HTMLVideoElement).pause());
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, '4-job-done.png'), fullPage: true });

    // Each link saves exactly the artifact's bytes (the key travels in the page's cookie).
    const [jobId] = t.rt.jobs.list().items.map((j) => j.id);
    const links = card.locator('.downloads a');
    assert.deepEqual((await links.allTextContents()).sort(), t.rt.jobs.artifacts(jobId!).map((a) => a.name).sort());
    for (const name of ['Película - dub es.mp4', 'dub-track.es.m4a']) {
      const [download] = await Promise.all([page.waitForEvent('download'), links.filter({ hasText: name }).click()]);
      assert.equal(download.suggestedFilename(), name);
      assert.deepEqual(await readFile(await download.path()), await readFile((t.rt.jobs.artifact(jobId!, name).source as { file: string }).file), name);
    }

    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: join(SHOTS, '5-desktop.png'), fullPage: true });
  } finally {
    await browser?.close();
    await http.close();
    await t.close();
  }
});

/** Two slow test stages; each waits at its middle until <holdDir>/<step>.release exists. */
function heldPreset(holdDir: string): PresetInput {
  return { steps: [
    { id: 'a', capability: 'slow', inputs: { source: 'source' }, params: { ms: 100, step: 'a', holdDir, holdAt: 0.5 } },
    { id: 'b', capability: 'slow', inputs: { a: 'a' }, params: { ms: 100, step: 'b', holdDir, holdAt: 0.5 } },
  ] };
}

/** Resolves once `file` exists (the stage reached its hold); the deadline only turns a hang into a failure. */
async function untilExists(file: string): Promise<void> {
  const end = Date.now() + 120_000;
  while (!existsSync(file)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${file}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('the job list follows the jobsUpdated subscription (progress and ETA move, no list is read after load); a dropped stream reconnects and the list read then shows the final state', async () => {
  const holdDir = await mkdtemp(join(tmpdir(), 'dubarr-page-hold-'));
  const t = await testRuntime({ held: heldPreset(holdDir) }, { server: { requireApiKey: true } });
  const http = await bindHttp({ ...t.rt.config.server, host: '127.0.0.1', port: 0 });
  const app = createHttpApp(t.rt);
  http.mount(app);
  const { key } = t.rt.apiKeys.create('feed test');
  let browser: Awaited<ReturnType<typeof launch>> | undefined;
  try {
    browser = await launch();
    const { page } = browser;
    // Every way the page could read the job list, and every subscription it opens.
    const listReads: string[] = [];
    const streams: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname === '/api/jobs' && r.method() === 'GET') listReads.push('GET /api/jobs');
      if (url.pathname === '/graphql') {
        const query = r.method() === 'POST' ? String((r.postDataJSON() as { query?: string }).query) : String(url.searchParams.get('query'));
        if (/^\s*subscription/.test(query)) streams.push(r.headers()['x-api-key'] ?? 'no key');
        else if (/\bjobs\s*\(/.test(query)) listReads.push('query jobs');
      }
    });
    await page.addInitScript((k) => localStorage.setItem('dubarr.apiKey', k), key);
    await page.goto(http.url);
    const state = page.locator('#feed-status');
    await page.locator('#feed-status[data-state=live]').waitFor({ state: 'attached', timeout: 120_000 });
    assert.deepEqual(streams, [key], 'one subscription, with the key in its header');
    assert.deepEqual(listReads, ['query jobs'], 'the list is read once the stream is open');

    // A job created after the page loaded reaches it only through the subscription.
    const { id } = await t.rt.jobs.create({ path: t.input, preset: 'held', targetLanguages: [], origin: 'api' });
    const card = page.locator('article.job').filter({ hasText: 'input.bin' });
    const stage = (step: string) => card.locator('.stage').filter({ hasText: step }).locator('progress');
    await untilExists(join(holdDir, 'a.holding'));
    await until(page, () => (document.querySelector('.stage progress') as HTMLProgressElement | null)?.value === 0.5);
    assert.match(await card.locator('.overall').textContent() ?? '', /running.*left/s, 'status and time left');
    assert.equal(await stage('b').evaluate((p) => (p as HTMLProgressElement).value), 0);
    await page.screenshot({ path: join(SHOTS, '6-feed-held.png'), fullPage: true });

    await writeFile(join(holdDir, 'a.release'), '');
    await untilExists(join(holdDir, 'b.holding'));
    await until(page, () => [...document.querySelectorAll('.stage progress')].map((p) => (p as HTMLProgressElement).value).join() === '1,0.5');
    assert.match(await card.locator('.stage').first().textContent() ?? '', /succeeded/);
    assert.deepEqual(listReads, ['query jobs'], 'progress moved with no list read after load');
    assert.equal(streams.length, 1);

    // The server drops the stream and answers 503 while the job finishes: no event can reach the
    // page. Back up, the page reconnects, reads the list and shows the job's final state.
    http.mount(new Hono().all('*', (c) => c.json({ down: true }, 503)));
    (http.server as HttpServer).closeAllConnections();
    await page.locator('#feed-status[data-state=reconnecting]').waitFor({ state: 'visible', timeout: 120_000 });
    assert.match(await state.textContent() ?? '', /reconnecting/);
    await page.screenshot({ path: join(SHOTS, '7-feed-reconnecting.png'), fullPage: true });
    await writeFile(join(holdDir, 'b.release'), '');
    assert.equal((await finished(t, id))?.status, 'succeeded');
    const readsBefore = listReads.length;
    http.mount(app);
    await page.locator('#feed-status[data-state=live]').waitFor({ state: 'attached', timeout: 120_000 });
    await card.locator('.status.succeeded').waitFor({ timeout: 120_000 });
    assert.equal(await card.locator('.overall progress').evaluate((p) => (p as HTMLProgressElement).value), 1);
    assert.ok(listReads.length > readsBefore, 'the final state came from the list read after reconnecting');
    assert.ok(streams.length >= 2 && streams.every((k) => k === key), 'reconnected with the key');
  } finally {
    await browser?.close();
    await http.close();
    await t.close();
    await rm(holdDir, { recursive: true, force: true });
  }
});

test('the models panel: the catalogue with size, licence and what each improves; Pull downloads from Hugging Face (a local fake) with a progress bar, then shows it installed; a failed checksum shows its code', async () => {
  const hf = await FakeHuggingFace.start();
  const repo: FakeRepo = { revision: 'e'.repeat(40), files: { 'encoder.onnx': distinctBytes(800_000, 'page-asr'), 'tokenizer.json': Buffer.from('{"v": 1}') }, small: ['tokenizer.json'] };
  hf.repo('openai-test/whisper-page', repo);
  const catalogueDir = await mkdtemp(join(tmpdir(), 'dubarr-page-catalogue-'));
  const catalogue = join(catalogueDir, 'catalogue.yaml');
  await writeFile(catalogue, stringify({ models: [
    entryFor('page-whisper', 'openai-test/whisper-page', repo, { title: 'Whisper (page test)', sizeMb: 0.8, languages: ['en', 'es'], license: 'MIT', improves: 'speech recognition: Whisper instead of pocketsphinx' }),
    entryFor('page-broken', 'openai-test/whisper-page', repo, { title: 'Broken (page test)', license: 'Apache-2.0', files: [{ path: 'encoder.onnx', sha256: sha256(Buffer.from('not it')), size: 800_000 }] }),
  ] }));
  const t = await testRuntime({}, { server: { requireApiKey: true }, models: { hfEndpoint: hf.endpoint, catalogue } });
  const http = await bindHttp({ ...t.rt.config.server, host: '127.0.0.1', port: 0 });
  http.mount(createHttpApp(t.rt));
  const { key } = t.rt.apiKeys.create('models test');
  let browser: Awaited<ReturnType<typeof launch>> | undefined;
  try {
    browser = await launch();
    const { page } = browser;
    await page.addInitScript((k) => localStorage.setItem('dubarr.apiKey', k), key);
    await page.goto(http.url);
    const item = page.locator('li[data-model=page-whisper]');
    await item.waitFor({ timeout: 120_000 });
    const text = await item.textContent() ?? '';
    for (const want of ['not installed', 'Whisper (page test)', 'speech recognition', '1 MB', 'licence MIT', 'en, es', 'Improves speech recognition: Whisper instead of pocketsphinx']) {
      assert.ok(text.includes(want), `${want} in: ${text}`);
    }

    const held = hf.hold('encoder.onnx', 300_000);
    await page.getByRole('button', { name: 'Pull page-whisper' }).click();
    await held.reached;
    await until(page, () => {
      const bar = document.querySelector('li[data-model=page-whisper] .pull-progress') as HTMLProgressElement;
      return !bar.hidden && bar.value > 0 && bar.value < bar.max;
    });
    assert.match(await item.locator('.pull-status').textContent() ?? '', /^Downloading: \d+ % \(.* of 800 kB\), encoder\.onnx$/);
    assert.equal(await page.getByRole('button', { name: 'Pull page-whisper' }).isDisabled(), true);
    await item.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, '8-model-pulling.png'), fullPage: true });
    held.release();
    await item.locator('.state', { hasText: /^installed$/ }).waitFor({ timeout: 120_000 });
    assert.equal(await item.locator('button').count(), 0, 'nothing to pull once installed');
    assert.deepEqual(await readFile(join(t.rt.config.models.dir, 'page-whisper', 'encoder.onnx')), repo.files['encoder.onnx']);

    await page.getByRole('button', { name: 'Pull page-broken' }).click();
    const broken = page.locator('li[data-model=page-broken]');
    await broken.locator('.pull-status', { hasText: 'E_MODEL_CHECKSUM' }).waitFor({ timeout: 120_000 });
    assert.match(await broken.locator('.pull-status').textContent() ?? '', /^The last pull failed: encoder\.onnx of openai-test\/whisper-page has sha256 .*\(E_MODEL_CHECKSUM\)\. /);
    assert.equal(await broken.locator('.state').textContent(), 'not installed');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator('#models').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, '9-models.png'), fullPage: true });
  } finally {
    await browser?.close();
    await http.close();
    await t.close();
    await hf.close();
    await rm(catalogueDir, { recursive: true, force: true });
  }
});

test('a job that bought from a cloud provider shows its cost on the page: the total, what the cache saved, and each step\'s lines', async () => {
  const vendor = await countingVendor();
  const t = await testRuntime({ paid: paidPreset('page') }, {
    server: { requireApiKey: true },
    budget: { prices: { 'test-paid': { characters: 0.001 } } },
    plugins: { options: { 'test-stages': { paidUrl: vendor.url } } },
  });
  const http = await bindHttp({ ...t.rt.config.server, host: '127.0.0.1', port: 0 });
  http.mount(createHttpApp(t.rt));
  const { key } = t.rt.apiKeys.create('cost test');
  let browser: Awaited<ReturnType<typeof launch>> | undefined;
  try {
    const job = t.rt.scheduler.submit({ input: t.input, preset: 'paid', targetLanguages: [], origin: 'cli' });
    assert.equal((await finished(t, job.id))?.status, 'succeeded');
    browser = await launch();
    const { page } = browser;
    await page.addInitScript((k) => localStorage.setItem('dubarr.apiKey', k), key);
    await page.goto(http.url);
    const cost = page.locator('article.job details.cost');
    await cost.waitFor({ timeout: 120_000 });
    assert.equal((await cost.locator('summary').textContent())?.trim(), 'Cloud cost: $0.54 · $0.10 saved by the cache');
    await cost.locator('summary').click();
    const rows = await cost.locator('tbody tr').evaluateAll((trs) => trs.map((tr: any) => [...tr.querySelectorAll('td')].map((td: any) => td.textContent)));
    assert.deepEqual(rows, [
      ['first', 'test-paid', '270 characters', '$0.27', 'billed'],
      ['first', 'test-paid', '50 characters', '$0.05', 'reused from the cache, not paid'],
      ['second', 'test-paid', '270 characters', '$0.27', 'billed'],
      ['second', 'test-paid', '50 characters', '$0.05', 'reused from the cache, not paid'],
    ]);
    await page.screenshot({ path: join(SHOTS, '10-job-cost.png'), fullPage: true });
  } finally {
    await browser?.close();
    await http.close();
    await t.close();
    await vendor.close();
  }
});
