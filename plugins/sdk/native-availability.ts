import type { Availability, EngineFingerprint } from './plugin.js';

/**
 * Availability of a plugin that needs the native FFmpeg addon. The addon is imported here,
 * lazily, so a missing build makes such plugins unavailable with a reason, not unloadable.
 */
export async function nativeAddonAvailability(): Promise<Availability> {
  try {
    const { nativeVersions } = await import('../../native/lib/index.js');
    const v = nativeVersions();
    return { ok: true, reason: v.ffmpeg ? `FFmpeg ${v.ffmpeg}` : undefined };
  } catch (e) {
    return { ok: false, reason: `the native FFmpeg addon is not built (${(e as Error).message}); run npm run setup` };
  }
}

/** The engine fingerprint of a plugin that needs the addon: the addon build and the libav* versions loaded. */
export async function nativeAddonEngine(): Promise<EngineFingerprint> {
  const { nativeBuildIdentity } = await import('../../native/lib/index.js');
  return nativeBuildIdentity();
}
