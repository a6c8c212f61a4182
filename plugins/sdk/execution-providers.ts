/**
 * Which ONNX Runtime execution providers this install of onnxruntime-node can load, and why
 * not when it cannot, before ORT is asked (asking prints ORT's own error lines on stderr).
 *
 * onnxruntime-node 1.30 ships the CPU provider in its npm package. Its CUDA and TensorRT
 * providers are separate shared libraries that its install script downloads from NuGet
 * (package Microsoft.ML.OnnxRuntime.Gpu.Linux, linux/x64 only) when ONNXRUNTIME_NODE_INSTALL=cuda12
 * is set, into the folder of its native binding, where ORT looks for them:
 * libonnxruntime_providers_shared.so plus libonnxruntime_providers_cuda.so /
 * libonnxruntime_providers_tensorrt.so. Those need the system's CUDA 12 and cuDNN 9 libraries
 * (TensorRT 10 for tensorrt) at load time; ORT reports what is missing when it tries.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const EXECUTION_PROVIDERS = ['tensorrt', 'cuda', 'cpu'] as const;
export type ExecutionProviderName = (typeof EXECUTION_PROVIDERS)[number];

export const GPU_PROVIDERS: readonly ExecutionProviderName[] = ['tensorrt', 'cuda'];

export const INSTALL_GPU_HINT = 'install onnxruntime-node\'s CUDA 12 build: ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node (README, "GPU")';

/** The folder of onnxruntime-node's native binding for this platform (where ORT loads providers from). */
export function ortBinaryDir(): string {
  const main = createRequire(import.meta.url).resolve('onnxruntime-node');
  return join(dirname(main), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

function libraryNames(provider: 'cuda' | 'tensorrt'): string[] {
  if (process.platform === 'win32') return ['onnxruntime_providers_shared.dll', `onnxruntime_providers_${provider}.dll`];
  return ['libonnxruntime_providers_shared.so', `libonnxruntime_providers_${provider}.so`];
}

let libraryDir: string | undefined;

/**
 * Looks for the provider libraries in `dir` instead of onnxruntime-node's folder (undefined:
 * back to it). For tests: with empty stand-in files there, ORT itself is asked, and fails the
 * way it does on a machine with the GPU build but no usable GPU.
 */
export function checkProviderLibrariesIn(dir: string | undefined): void {
  libraryDir = dir;
}

/**
 * Why `provider` cannot run here, or undefined when ORT may try it. `backends` is
 * onnxruntime-node's listSupportedBackends() (what its binding was built with); `dir` the
 * folder its provider libraries must be in.
 */
export function providerProblem(
  provider: ExecutionProviderName,
  backends: ReadonlyArray<{ name: string; bundled: boolean }>,
  dir: string = libraryDir ?? ortBinaryDir(),
): string | undefined {
  if (provider === 'cpu') return undefined;
  const backend = backends.find((b) => b.name === provider);
  if (!backend) return `onnxruntime-node for ${process.platform}/${process.arch} is built without ${provider}`;
  if (backend.bundled) return undefined;
  const missing = libraryNames(provider).filter((f) => !existsSync(join(dir, f)));
  if (missing.length) return `not installed (no ${missing.join(', ')} in ${dir}): ${INSTALL_GPU_HINT}`;
  return undefined;
}
