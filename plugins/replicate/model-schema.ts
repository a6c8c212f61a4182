/**
 * The input names a model takes, from the OpenAPI schema Replicate publishes with each version
 * (components.schemas.Input.properties), so a misnamed input is a config error before anything
 * is paid for, not a failed prediction after. Kept per model version for the process.
 */
import { DubarrError } from '../sdk/index.js';
import { callApi, type ReplicateConnection } from './api.js';
import { splitModel } from './run-prediction.js';

export interface ModelInputs {
  /** The version the schema is of (for a model named without one: its latest). */
  version: string;
  names: string[];
}

const byVersion = new Map<string, ModelInputs>();
/** 'owner/name' -> its latest version's inputs, as first seen by this process. */
const latest = new Map<string, ModelInputs>();

function inputsOf(version: unknown, model: string): ModelInputs {
  const v = version as { id?: unknown; openapi_schema?: { components?: { schemas?: { Input?: { properties?: unknown } } } } } | null;
  const props = v?.openapi_schema?.components?.schemas?.Input?.properties;
  if (typeof v?.id !== 'string' || !props || typeof props !== 'object') {
    throw new DubarrError('E_PROVIDER_FAILED', `replicate: model ${model} has no published input schema; set checkSchema: false to run it unchecked`);
  }
  return { version: v.id, names: Object.keys(props) };
}

/**
 * The model's inputs, or undefined when Replicate cannot be reached (the check is skipped;
 * the prediction itself then says what is wrong). A model Replicate does not know is a config error.
 */
export async function modelInputs(conn: ReplicateConnection, model: string, signal: AbortSignal): Promise<ModelInputs | undefined> {
  const { owner, name, version } = splitModel(model);
  const ref = `${owner}/${name}`;
  const known = version ? byVersion.get(version) : latest.get(ref);
  if (known) return known;
  const path = `/v1/models/${encodeURIComponent(owner)}/${encodeURIComponent(name)}${version ? `/versions/${encodeURIComponent(version)}` : ''}`;
  let res;
  try {
    res = await callApi(conn, { path, idempotent: true, signal, acceptStatus: (s) => s === 404 });
  } catch (e) {
    if (e instanceof DubarrError && e.code === 'E_PROVIDER_FAILED' && e.details?.network) {
      conn.log?.warn({ model }, `replicate: could not read the schema of ${model} (offline?); its input names are not checked`);
      return undefined;
    }
    throw e;
  }
  if (res.status === 404) throw new DubarrError('E_CONFIG_INVALID', `replicate: Replicate has no model ${model}; check the model id in plugins.options.replicate`);
  const j = res.json as { latest_version?: unknown } | null;
  const inputs = inputsOf(version ? j : j?.latest_version, model);
  byVersion.set(inputs.version, inputs);
  if (!version) latest.set(ref, inputs);
  return inputs;
}

/** Throws E_CONFIG_INVALID naming the unknown input names and the model's valid ones. */
export function checkInputNames(model: string, inputs: ModelInputs, used: readonly string[], optionPath: string): void {
  const unknown = used.filter((n) => !inputs.names.includes(n));
  if (unknown.length === 0) return;
  throw new DubarrError('E_CONFIG_INVALID',
    `replicate: ${model} has no input ${unknown.map((n) => `'${n}'`).join(', ')} (set in ${optionPath}); its inputs are: ${inputs.names.join(', ')}`,
    { details: { provider: 'replicate', model, unknown, valid: inputs.names } });
}

/** For tests: forget what was read. */
export function forgetModelSchemas(): void {
  byVersion.clear();
  latest.clear();
}
