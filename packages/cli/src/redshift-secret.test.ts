import { describe, expect, it } from 'vitest';
import type { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { passwordFromSecret, regionOfSecretArn, type SecretReader } from './redshift-secret.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:redshift!ns-admin-AbCdEf';

/** A secret reader whose send() answers with `answer` (a throw in it becomes the rejection, as the SDK's does). */
function answering(answer: (command: GetSecretValueCommand) => { SecretString?: string }): SecretReader {
  return { send: (command) => new Promise((resolve) => resolve(answer(command))) };
}

describe('passwordFromSecret', () => {
  it('reads the password field of a Redshift managed secret, asking for exactly that secret', async () => {
    const asked: unknown[] = [];
    const password = await passwordFromSecret(
      ARN,
      answering((command) => {
        asked.push(command.input.SecretId);
        return { SecretString: JSON.stringify({ username: 'admin', password: 'pw-from-secret' }) };
      }),
    );
    expect(password).toBe('pw-from-secret');
    expect(asked).toEqual([ARN]);
  });

  it('takes a secret that holds the bare password', async () => {
    expect(
      await passwordFromSecret(
        ARN,
        answering(() => ({ SecretString: 'bare-pw' })),
      ),
    ).toBe('bare-pw');
  });

  it('names the missing permission and the secret when access is denied', async () => {
    const denied = Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
    await expect(
      passwordFromSecret(
        ARN,
        answering(() => {
          throw denied;
        }),
      ),
    ).rejects.toThrow(
      `redshift.secretArn ${ARN}: access denied: your AWS credentials need secretsmanager:GetSecretValue`,
    );
  });

  it('refuses a JSON secret without a password', async () => {
    await expect(
      passwordFromSecret(
        ARN,
        answering(() => ({ SecretString: '{"username":"admin"}' })),
      ),
    ).rejects.toThrow(/holds no password/);
  });

  it('reads the region from the ARN', () => {
    expect(regionOfSecretArn(ARN)).toBe('eu-west-1');
  });
});
