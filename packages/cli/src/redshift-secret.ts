import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CliError, ExitCode } from './errors.js';

/** The part of a Secrets Manager client this module uses, so that tests can answer in its place. */
export interface SecretReader {
  send(command: GetSecretValueCommand): Promise<{ SecretString?: string }>;
}

/** The region a Secrets Manager ARN names (arn:aws:secretsmanager:<region>:…). */
export function regionOfSecretArn(secretArn: string): string {
  return secretArn.split(':')[3] ?? '';
}

/**
 * Reads the Redshift password from a Secrets Manager secret: JSON with a `password` field (what Redshift's
 * managed admin secrets hold) or the bare password. A missing permission names the action and the secret.
 */
export async function passwordFromSecret(
  secretArn: string,
  reader: SecretReader = new SecretsManagerClient({ region: regionOfSecretArn(secretArn) }),
): Promise<string> {
  return (await credentialsFromSecret(secretArn, reader)).password;
}

/** Reads the password and, when the secret's JSON holds one, the `username` from a Secrets Manager secret. */
export async function credentialsFromSecret(
  secretArn: string,
  reader: SecretReader,
): Promise<{ user?: string; password: string }> {
  let text: string | undefined;
  try {
    text = (await reader.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString;
  } catch (error) {
    const name = (error as { name?: string }).name ?? '';
    const reason =
      name === 'AccessDeniedException'
        ? 'access denied: your AWS credentials need secretsmanager:GetSecretValue on it'
        : name === 'ResourceNotFoundException'
          ? 'no such secret (deleted, or another account or region)'
          : (error as Error).message;
    throw new CliError(
      `redshift.secretArn ${secretArn}: ${reason}`,
      ExitCode.cannotRun,
      'SECRET_UNREADABLE',
      {
        cause: error,
      },
    );
  }
  let password = text;
  let user: string | undefined;
  if (text?.trimStart().startsWith('{')) {
    try {
      const secret = JSON.parse(text) as { password?: unknown; username?: unknown };
      password = secret.password as string | undefined;
      if (typeof secret.username === 'string' && secret.username !== '') user = secret.username;
    } catch {
      password = undefined;
    }
  }
  if (typeof password !== 'string' || password === '') {
    throw new CliError(
      `redshift.secretArn ${secretArn}: the secret holds no password (expected JSON with a "password" field)`,
      ExitCode.cannotRun,
      'SECRET_UNREADABLE',
    );
  }
  return user === undefined ? { password } : { user, password };
}
