/**
 * The shared plugin contract suite. Every provider's tests call `contractSuite` once per
 * stage; it registers node:test tests for the behaviour every stage owes the runtime.
 *
 * Every run here gets a private temp dir (see dir-snapshot.ts), snapshotted with the user's
 * folders the case names before and after: a stage may create files only in its work dir
 * (and, for a delivering stage's valid run, exactly the files it reports delivering).
 * Cancellation is tied to the work, never to a clock: the mid-run test aborts at the stage's
 * first progress report, from inside that report, and the stage sees it as it would in the
 * runtime (runStageForTest): a worker stage's flag at once, its signal a turn later.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { CAPABILITY_OUTPUT } from './artifacts.js';
import { isInside, settledDifferences, snapshot, withPrivateTmpdir } from './dir-snapshot.js';
import { DubarrError, type ErrorCode } from './errors.js';
import type { PluginDefinition, StageInput } from './plugin.js';
import { findStage, runStageForTest, type TestRun, type TestRunOptions } from './testing.js';

type Input = Partial<StageInput> & { options: unknown };

interface CommonCase {
  plugin: PluginDefinition<any>;
  stage: string;
  /** Options that must fail the plugin's schema. */
  invalidOptions: unknown;
  /** Options under which the engine must report itself available (default: the defaults); a cloud provider needs its key. */
  availableOptions?: unknown;
  /** Options under which the engine must report itself unavailable, with a reason. */
  unavailableOptions?: unknown;
  /** A valid input; the stage must succeed and return a schema-valid document. */
  validInput(): Promise<Input>;
  /** An input the stage must reject with a coded error (corrupt media, garbage text ...). */
  corruptInput(): Promise<Input>;
  /** Expected code for the corrupt input; default: any code but E_INTERNAL. */
  corruptCode?: ErrorCode;
  /**
   * The user's folders this input lets the stage write to (beside the source, an outDir).
   * They are watched like the temp dir: nothing may change there, except the files a valid
   * run reports in `delivered`.
   */
  userDirs?(input: Input): string[];
  /** The files a valid run delivered to the user's folders (default: none). */
  delivered?(run: TestRun): string[];
  /** Extra checks on the valid run's result. */
  check?(run: TestRun): void | Promise<void>;
}

/**
 * Every stage is cancelled mid-run on a long input; a stage with no mid-run (pure
 * computation over small documents, done in microseconds) says why instead.
 */
export type ContractCase = CommonCase & (
  | {
    /**
     * An input on which the stage reports progress (< 1) well before it finishes: the
     * abort test cancels from inside that first report.
     */
    longInput(): Promise<Input>;
    noMidRun?: never;
  }
  | { noMidRun: string; longInput?: never }
);

const isCancelled = (e: unknown) => e instanceof DubarrError && e.code === 'E_CANCELLED';

export function contractSuite(c: ContractCase): void {
  const def = findStage(c.plugin, c.stage);

  /**
   * Runs the stage on `input` in a private temp dir and returns the settled run (or error)
   * and everything it left outside its work dir. A successful run's work dir is removed after
   * `inspect` has looked at it.
   */
  async function watched(input: Input, opts: TestRunOptions, inspect?: (run: TestRun) => Promise<void>) {
    const userDirs = c.userDirs?.(input) ?? [];
    return withPrivateTmpdir(async (tmp) => {
      const dirs = [tmp, ...userDirs];
      const before = await snapshot(dirs);
      let run: TestRun | undefined;
      let error: unknown;
      try {
        run = await runStageForTest(def, input, opts);
      } catch (e) {
        error = e;
      }
      try {
        if (run) await inspect?.(run);
        const delivered = run ? c.delivered?.(run) ?? [] : [];
        const allowed = (p: string) => (run !== undefined && isInside(run.workDir, p)) || delivered.includes(p);
        const stray = await settledDifferences(dirs, before, allowed);
        return { run, error, stray, delivered, userDirs };
      } finally {
        if (run) await rm(run.workDir, { recursive: true, force: true });
      }
    });
  }

  describe(`plugin contract: ${def.id}`, () => {
    test('options schema: defaults parse, invalid options are rejected', () => {
      assert.equal(c.plugin.options.safeParse({}).success, true, 'empty options must parse to defaults');
      assert.equal(c.plugin.options.safeParse(c.invalidOptions).success, false);
    });

    test('availability is reported without throwing; an unavailable engine says why', async () => {
      const opts = c.plugin.options.parse(c.availableOptions ?? {});
      const a = (await c.plugin.available?.(opts)) ?? { ok: true };
      assert.equal(a.ok, true, `expected available on this machine: ${a.reason}`);
      if (c.unavailableOptions !== undefined) {
        const u = await c.plugin.available!(c.plugin.options.parse(c.unavailableOptions));
        assert.equal(u.ok, false);
        assert.ok(u.reason && u.reason.length > 10, 'an unavailable engine must say why and what fixes it');
      }
    });

    test('valid input: result matches the capability schema; files only in the work dir (and what it delivers)', async () => {
      const input = await c.validInput();
      const r = await watched(input, {}, async (run) => {
        const schema = CAPABILITY_OUTPUT[def.capability];
        if (schema) {
          const parsed = schema.safeParse(run.result.data);
          assert.ok(parsed.success, `output does not match the ${def.capability} schema: ${parsed.error?.message}`);
        }
        for (const [name, file] of Object.entries(run.result.files ?? {})) {
          assert.ok(isAbsolute(file), `${name}: result paths must be absolute`);
          assert.ok(isInside(run.workDir, file), `${name}: ${file} is outside the work dir`);
          assert.ok((await stat(file)).isFile(), `${name}: ${file} does not exist`);
        }
        await c.check?.(run);
      });
      if (!r.run) throw r.error;
      for (const f of r.delivered) {
        assert.ok(r.userDirs.some((d) => isInside(d, f)), `${f} is delivered outside the user's folders the case names`);
        assert.ok((await stat(f)).isFile(), `delivered ${f} does not exist`);
      }
      assert.deepEqual(r.stray, [], 'the run wrote outside its work dir');
    });

    test('corrupt input: a coded error, not a crash; nothing left behind', async () => {
      const r = await watched(await c.corruptInput(), {});
      assert.equal(r.run, undefined, 'the corrupt input was accepted');
      assert.ok(r.error instanceof DubarrError, `not a DubarrError: ${String(r.error)}`);
      if (c.corruptCode) assert.equal(r.error.code, c.corruptCode, r.error.message);
      else assert.notEqual(r.error.code, 'E_INTERNAL', `uncoded error: ${r.error.message}`);
      assert.deepEqual(r.stray, [], 'the failed run left files outside its work dir');
    });

    test('abort before start: E_CANCELLED, nothing written', async () => {
      const r = await watched(await c.validInput(), { signal: AbortSignal.abort() });
      assert.equal(r.run, undefined, 'the stage ran to the end although its job was already cancelled');
      assert.ok(isCancelled(r.error), `expected E_CANCELLED, got ${String(r.error)}`);
      assert.deepEqual(r.stray, [], 'the cancelled run left files outside its work dir');
    });

    if (c.longInput) {
      const longInput = c.longInput;
      test('abort mid-run, at the first progress report: E_CANCELLED, nothing left behind', async () => {
        const ac = new AbortController();
        let abortedAt: number | undefined;
        const onProgress = (fraction: number) => {
          if (abortedAt === undefined && fraction < 1) {
            abortedAt = fraction;
            ac.abort();
          }
        };
        const r = await watched(await longInput(), { signal: ac.signal, onProgress });
        assert.notEqual(abortedAt, undefined, 'the stage reported no progress before it finished: report progress (ctx.progress) while working');
        assert.equal(r.run, undefined, `the stage finished although it was aborted at ${abortedAt}: call throwIfCancelled(ctx) as it works and pass ctx.cancelFlag to native calls (in a worker, ctx.signal changes only when the event loop turns)`);
        assert.ok(isCancelled(r.error), `expected E_CANCELLED, got ${String(r.error)}`);
        assert.deepEqual(r.stray, [], 'the aborted run left files outside its work dir');
      });
    } else {
      // Reported as skipped, with the reason, in every run.
      test('abort mid-run', { skip: `no mid-run: ${c.noMidRun}` }, () => {});
    }
  });
}
