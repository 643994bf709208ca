import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EnvironmentVariable } from '../../shared/config/plan.ts';
import { bashPhaseScript } from '../../shared/runners/bash-script.ts';
import { encryptLocal } from '../../shared/secrets/local-key.ts';
import { kmsOnRunner } from '../../shared/secrets/on-runner.ts';
import {
  kmsDecryption,
  localDecryption,
} from '../../shared/secrets/runner-decryption.ts';
import {
  command,
  linuxJob,
  phaseContext,
  runPhase,
  tempRunner,
} from '../runners/fixtures.ts';
import { decryptOnRunner, filesContaining, stateWithKey } from './support.ts';

const plaintext = 'correct horse battery staple';

/** A job whose TOKEN is `value` sealed with the state folder's key, and its context. */
function sealedJob(value = plaintext) {
  const { stateDir, key } = stateWithKey();
  const token: EnvironmentVariable = {
    name: 'TOKEN',
    value: encryptLocal(value, key),
    secure: true,
  };
  const context = { ...phaseContext(), decryption: localDecryption(stateDir) };

  return { job: linuxJob({ environment: [token] }), token, context };
}

describe('a bash phase script with a secure value', () => {
  it('carries the ciphertext, never the value', () => {
    const { job, token, context } = sealedJob();

    const script = bashPhaseScript(job, { name: 'install', commands: [] }, context);

    expect(script).toContain(token.value);
    expect(script).not.toContain(plaintext);
  });

  it('gives commands the value, and prints *** wherever it appears', () => {
    const { job, context } = sealedJob();
    const runner = tempRunner();

    const run = runPhase(
      runner,
      job,
      'install',
      [command(`echo "token=$TOKEN"; [ "$TOKEN" = '${plaintext}' ] && echo same >&2`)],
      context,
    );

    expect(run.report.outcome).toBe('succeeded');
    expect(run.output).toContain('token=***');
    expect(run.output).toContain('same');
    expect(run.output).not.toContain(plaintext);
  });

  it('keeps the value in the next phases without writing it to any runner file', () => {
    const { job, context } = sealedJob();
    const runner = tempRunner();
    const digest = createHash('sha256').update(plaintext).digest('hex');
    const check = `[ "$(printf %s "$TOKEN" | sha256sum)" = '${digest}  -' ] && echo still set`;

    runPhase(runner, job, 'install', [command('export OTHER=1')], context);
    const next = runPhase(runner, job, 'build_script', [command(check)], context);

    expect(next.output).toContain('still set');
    expect(readFileSync(join(runner.stateRoot, '01JBUILD/1/state.sh'), 'utf8')).toContain(
      'OTHER',
    );
    expect(filesContaining(runner.root, plaintext)).toEqual([]);
  });

  it('masks every line of a multi-line value, and a value set as a build variable', () => {
    const { job, context } = sealedJob('first line of it\nsecond line of it');
    const runner = tempRunner();

    const run = runPhase(
      runner,
      job,
      'install',
      [
        command(
          'printf "%s\\n" "$TOKEN"; appveyor SetVariable -Name COPY -Value "$TOKEN"',
        ),
      ],
      context,
    );

    expect(run.output).not.toContain('line of it');
    expect(run.output).toContain('***\n***');
    expect(run.report.variables.COPY).toBe('***\n***');
  });

  it('masks a value of quotes, backslashes and regex characters as printed, traced and in JSON', () => {
    const tricky = `it's "quoted" \\ a.* [x]\tand $HOME`;
    const { job, context } = sealedJob(tricky);
    const runner = tempRunner();
    const json = JSON.stringify(tricky).slice(1, -1);
    const report = join(runner.stateRoot, '01JBUILD/1/install.result.json');

    const run = runPhase(
      runner,
      job,
      'install',
      [
        command('echo "as is: $TOKEN"; (set -x; : "$TOKEN") 2>&1'),
        command('appveyor SetVariable -Name COPY -Value "$TOKEN"'),
        command('appveyor AddMessage "the token is $TOKEN" -Details "$TOKEN"'),
      ],
      context,
    );
    const next = runPhase(
      runner,
      job,
      'build_script',
      [command('echo "copy: $COPY"')],
      context,
    );

    expect(run.output).toContain('as is: ***');
    expect(run.output).toContain("+ : '***'");
    expect(run.report.variables.COPY).toBe('***');
    expect(run.report.messages).toEqual([
      { message: 'the token is ***', category: 'Information', details: '***' },
    ]);
    expect(next.output).toContain('copy: ***');
    for (const text of [run.output, next.output, readFileSync(report, 'utf8')]) {
      expect(text).not.toContain('quoted');
    }
    expect(filesContaining(runner.root, json)).toEqual([]);
    expect(filesContaining(runner.root, '"quoted" \\')).toEqual([]);
  });

  it('leaves the variable empty, with a warning, when the runner cannot open the value', () => {
    const { job, context } = sealedJob();
    const foreign = {
      ...phaseContext(),
      decryption: localDecryption(stateWithKey().stateDir),
    };
    const runner = tempRunner();

    const run = runPhase(runner, job, 'install', [command('echo "[$TOKEN]"')], foreign);

    expect(run.report.outcome).toBe('succeeded');
    expect(run.output).toContain('Warning: Secure variable TOKEN is empty: the runner');
    expect(run.output).toContain('[]');
    expect(context.decryption).not.toBe(foreign.decryption);
  });

  it('leaves the variable empty for a pull request from a fork, without the ciphertext', () => {
    const { job, token, context } = sealedJob();
    const trigger = {
      ...context.build.trigger,
      pullRequest: { number: 7, headBranch: 'patch', fromFork: true },
    };
    const fork = { ...context, build: { ...context.build, trigger } };
    const runner = tempRunner();

    const script = bashPhaseScript(job, { name: 'install', commands: [] }, fork);
    const run = runPhase(runner, job, 'install', [command('echo "[$TOKEN]"')], fork);

    expect(script).not.toContain(token.value);
    expect(run.output).toContain(
      'Secure variable TOKEN is empty: secure values are not decrypted for pull requests from forks.',
    );
    expect(run.output).toContain('[]');
  });
});

describe('the decryption policy for pull requests', () => {
  const token: EnvironmentVariable = {
    name: 'TOKEN',
    value: 'bh1:kms:AAAA',
    secure: true,
  };
  const commit = phaseContext().build.trigger.commit;
  const samePr = { number: 3, headBranch: 'feature', fromFork: false };

  it('gives the runner the ciphertext of a push build', () => {
    expect(kmsDecryption('eu-west-1').decrypt(token, { branch: 'main', commit })).toEqual(
      {
        value: '',
        ciphertext: 'bh1:kms:AAAA',
      },
    );
  });

  it('decrypts same-repository pull requests only when the operator allows them', () => {
    const trigger = { branch: 'main', pullRequest: samePr, commit };
    const allowed = kmsDecryption('eu-west-1', { allowSameRepositoryPullRequests: true });
    const fork = { ...trigger, pullRequest: { ...samePr, fromFork: true } };

    expect(kmsDecryption('eu-west-1').decrypt(token, trigger).warning).toMatch(
      /not decrypted for pull requests\.$/,
    );
    expect(allowed.decrypt(token, trigger).ciphertext).toBe('bh1:kms:AAAA');
    expect(allowed.decrypt(token, fork).warning).toMatch(/from forks/);
  });

  it('refuses a value encrypted for the other world, saying so', () => {
    const local = { ...token, value: 'bh1:local:AAAA' };

    const decrypted = kmsDecryption('eu-west-1').decrypt(local, { commit });

    expect(decrypted.ciphertext).toBeUndefined();
    expect(decrypted.warning).toMatch(
      /embedded backend's key \(bh1:local:\).*bakehouse encrypt/,
    );
  });
});

describe('decryption on an EC2 runner', () => {
  const blob = Buffer.from('kms ciphertext blob');
  const ciphertext = `bh1:kms:${blob.toString('base64')}`;

  it('calls aws kms decrypt with the blob, the region and the encryption context', () => {
    const bin = mkdtempSync(join(tmpdir(), 'bakehouse-aws-'));
    const fake = [
      '#!/bin/bash',
      `[ "$*" = "kms decrypt --region eu-west-1 --output text --query Plaintext \\`,
      `--encryption-context purpose=bakehouse-secure-variable --ciphertext-blob fileb://\${12#fileb://}" ] || exit 9`,
      `[ "$(cat "\${12#fileb://}")" = '${blob.toString()}' ] || exit 8`,
      `printf '%s\\n' ${Buffer.from(plaintext).toString('base64')}`,
    ].join('\n');
    writeFileSync(join(bin, 'aws'), fake);
    chmodSync(join(bin, 'aws'), 0o755);

    const run = decryptOnRunner(
      kmsOnRunner('eu-west-1'),
      ciphertext,
      `${bin}:/usr/bin:/bin`,
    );

    expect(run).toEqual({ stdout: plaintext, status: 0 });
  });

  it('returns 3 when the runner has no AWS CLI', () => {
    const empty = mkdtempSync(join(tmpdir(), 'bakehouse-noaws-'));

    const run = decryptOnRunner(
      kmsOnRunner('eu-west-1'),
      ciphertext,
      `${empty}:/usr/bin:/bin`,
    );

    expect(run).toEqual({ stdout: '', status: 3 });
  });
});
