import { describe, expect, it } from 'vitest';
import {
  artifactFileNameProblem,
  maxArtifactSegmentBytes,
} from '../../shared/artifacts/names.ts';

describe('artifactFileNameProblem', () => {
  it('accepts a name of 500 characters whose segments are 255 bytes at most', () => {
    const name = `${'a'.repeat(255)}/${'b'.repeat(244)}`;

    expect(name).toHaveLength(500);
    expect(artifactFileNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['256 ASCII characters', 'a'.repeat(256), 256],
    ['128 two-byte characters', 'é'.repeat(128), 256],
  ])(
    'refuses a segment of %s, over the bytes one name holds on disk',
    (_, segment, bytes) => {
      const problem = artifactFileNameProblem(`dist/${segment}`);

      expect(maxArtifactSegmentBytes).toBe(255);
      expect(problem).toBe(
        `a segment of it is ${bytes} bytes, over the 255 bytes a file system holds in one name`,
      );
    },
  );
});
