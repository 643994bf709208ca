import { describe, expect, it } from 'vitest';
import type { BakeIntent, Trigger } from '../../shared/config/plan.ts';
import { shouldBake } from '../../shared/images/bake-decision.ts';
import { defaultImageSettings } from '../../shared/images/catalog.ts';

const push: Pick<Trigger, 'pullRequest'> = {};
const staticBake: BakeIntent = { staticName: 'tools', mayBeSetByScript: false };
const dynamicBake: BakeIntent = { mayBeSetByScript: true };
const settings = defaultImageSettings;

describe('shouldBake', () => {
  it('bakes the static name when the job succeeded', () => {
    expect(shouldBake('succeeded', staticBake, {}, push, settings)).toEqual({
      bake: true,
      name: 'tools',
    });
  });

  it('bakes a name a script set at run time, over the static one', () => {
    const variables = { APPVEYOR_BAKE_IMAGE: ' my-vs2019-image ' };

    const decision = shouldBake('succeeded', staticBake, variables, push, settings);

    expect(decision).toEqual({ bake: true, name: 'my-vs2019-image' });
  });

  it('does not bake when nothing set the variable', () => {
    expect(shouldBake('succeeded', dynamicBake, {}, push, settings)).toEqual({
      bake: false,
      reason: 'APPVEYOR_BAKE_IMAGE is not set',
    });
  });

  it('does not bake a failed job, and says so', () => {
    expect(shouldBake('failed', staticBake, {}, push, settings)).toEqual({
      bake: false,
      reason: 'bake of tools skipped: the job failed',
    });
  });

  it('never bakes for a pull request from a fork', () => {
    const fork = { pullRequest: { number: 7, headBranch: 'x', fromFork: true } };
    const allowing = { ...settings, allowSameRepositoryPullRequestBakes: true };

    const decision = shouldBake('succeeded', staticBake, {}, fork, allowing);

    expect(decision).toEqual({
      bake: false,
      reason: 'bake of tools skipped: pull request #7 is from a fork',
    });
  });

  it('bakes for a same-repository pull request only when the operator allows it', () => {
    const pr = { pullRequest: { number: 8, headBranch: 'x', fromFork: false } };
    const allowing = { ...settings, allowSameRepositoryPullRequestBakes: true };

    expect(shouldBake('succeeded', staticBake, {}, pr, settings).bake).toBe(false);
    expect(shouldBake('succeeded', staticBake, {}, pr, allowing).bake).toBe(true);
  });

  it('refuses a base image name in any case', () => {
    const intent = { staticName: 'ubuntu2204', mayBeSetByScript: false };

    const decision = shouldBake('succeeded', intent, {}, push, settings);

    expect(decision).toEqual({
      bake: false,
      reason: 'bake of ubuntu2204 skipped: Ubuntu2204 is a base image name',
    });
  });

  it('refuses a name with characters an AMI name cannot hold', () => {
    const decision = shouldBake(
      'succeeded',
      dynamicBake,
      { APPVEYOR_BAKE_IMAGE: 'a/b' },
      push,
      settings,
    );

    expect(decision.bake).toBe(false);
    expect(decision).toHaveProperty(
      'reason',
      expect.stringMatching(/Invalid image name "a\/b"/),
    );
  });
});
