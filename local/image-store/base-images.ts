import type { BaseImageResolver } from '../../shared/images/ports.ts';

/**
 * Base images of the embedded mode: every base image is an empty runner
 * folder on this host, so each resolves to an empty ref. The fleet refuses
 * the Windows and macOS ones when it launches them.
 */
export const localBaseImages: BaseImageResolver = {
  resolve: async () => '',
};
