/**
 * The shared plugin contract suite. Every provider's tests call `contractSuite` once per
 * stage; it registers node:test tests for the behaviour every stage owes the runtime.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { relative, isAbsolute } from 'node:path';
import { CAPABILITY_OUTPUT } from './artifacts.js';
import { DubarrError, type ErrorCode } from './errors.js';
import type { PluginDefinition, StageInput } from './plugin.js';
import { findStage, runStageForTest } from './testing.js';

type Input = Partial<StageInput> & { options: unknown };

export interface ContractCase {
  plugin: PluginDefinition<any>;
  stage: string;
  /** Options that must fail the plugin's schema. */
  invalidOptions: unknown;
  /** Options under which the engine must report itself unavailable, with a reason. */
  unavailableOptions?: unknown;
  /** A valid input; the stage must succeed and return a schema-valid document. */
  validInput(): Promise<Input>;
  /** An input the stage must reject with a coded error (corrupt media, garbage text ...). */
  corruptInput(): Promise<Input>;
  /** Expected code for the corrupt input; default: any code but E_INTERNAL. */
  corruptCode?: ErrorCode;
  /** An input that keeps the stage busy for well over a second, for the abort test. */
  longInput?(): Promise<Input>;
  /** Extra checks on the valid run's result. */
  check?(run: Awaited<ReturnType<typeof runStageForTest>>): void | Promise<void>;
}

export function contractSuite(c: ContractCase): void {
  const def = findStage(c.plugin, c.stage);
  describe(`plugin contract: ${def.id}`, () => {
    test('options schema: defaults parse, invalid options are rejected', () => {
      assert.equal(c.plugin.options.safeParse({}).success, true, 'empty options must parse to defaults');
      assert.equal(c.plugin.options.safeParse(c.invalidOptions).success, false);
    });

    test('availability is reported, quickly, without throwing', async () => {
      const opts = c.plugin.options.parse({});
      const t0 = Date.now();
      const a = (await c.plugin.available?.(opts)) ?? { ok: true };
      assert.ok(Date.now() - t0 < 5000, 'available() must be quick');
      assert.equal(a.ok, true, `expected available on this machine: ${a.reason}`);
      if (c.unavailableOptions !== undefined) {
        const u = await c.plugin.available!(c.plugin.options.parse(c.unavailableOptions));
        assert.equal(u.ok, false);
        assert.ok(u.reason && u.reason.length > 10, 'an unavailable engine must say why and what fixes it');
      }
    });

    test('valid input: result matches the capability schema, files inside the work dir', async () => {
      const run = await runStageForTest(def, await c.validInput());
      try {
        const schema = CAPABILITY_OUTPUT[def.capability];
        if (schema) {
          const parsed = schema.safeParse(run.result.data);
          assert.ok(parsed.success, `output does not match the ${def.capability} schema: ${parsed.error?.message}`);
        }
        for (const [name, file] of Object.entries(run.result.files ?? {})) {
          assert.ok(isAbsolute(file), `${name}: result paths must be absolute`);
          assert.ok(!relative(run.workDir, file).startsWith('..'), `${name}: ${file} is outside the work dir`);
          assert.ok((await stat(file)).isFile(), `${name}: ${file} does not exist`);
        }
        await c.check?.(run);
      } finally {
        await rm(run.workDir, { recursive: true, force: true });
      }
    });

    test('corrupt input: a coded error, not a crash', async () => {
      const input = await c.corruptInput();
      await assert.rejects(runStageForTest(def, input), (e: unknown) => {
        assert.ok(e instanceof DubarrError);
        if (c.corruptCode) assert.equal(e.code, c.corruptCode, e.message);
        else assert.notEqual(e.code, 'E_INTERNAL', `uncoded error: ${e.message}`);
        return true;
      });
    });

    if (c.longInput) {
      test('abort: returns E_CANCELLED within 2 s and leaves nothing outside its work dir', async () => {
        const input = await c.longInput!();
        const ac = new AbortController();
        const before = new Set(await readdir(tmpdir()));
        const p = runStageForTest(def, input, { signal: ac.signal });
        await new Promise((r) => setTimeout(r, 300));
        const t0 = Date.now();
        ac.abort();
        await assert.rejects(p, (e: unknown) => e instanceof DubarrError && e.code === 'E_CANCELLED');
        assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms to stop`);
        const after = (await readdir(tmpdir())).filter((f) => !before.has(f) && f.startsWith('dubarr-stage-'));
        assert.deepEqual(after, [], 'the aborted run left a work dir behind');
      });
    }
  });
}
