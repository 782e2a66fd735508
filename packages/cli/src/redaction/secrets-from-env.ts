import { passwordOfUrl } from './redact-text.js';

/** Secrets found in the environment, known before any configuration is parsed so that even early errors hide them. */
export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  const values = [
    env.AWS_SECRET_ACCESS_KEY,
    env.AWS_SESSION_TOKEN,
    env.REDSHIFT_PASSWORD,
    env.PGPASSWORD,
    passwordOfUrl(env.DATABASE_URL),
  ];
  return values.filter((value): value is string => Boolean(value));
}
