import type { CheckReport } from './check-report.js';
import { describeResult } from './describe-result.js';
import { alertMessage, type WebhookMessage } from './post-webhook.js';

/** At most this many checks are named in one message: the rest are counted. */
const NAMED_CHECKS = 15;

/**
 * The alert for a check run that failed or warned (undefined when every check passed): which checks, and for
 * each what it found, failures first. `where` names the warehouse (never a connection string).
 */
export function checkAlert(report: CheckReport, where: string): WebhookMessage | undefined {
  const flagged = report.results
    .filter((result) => result.status !== 'pass')
    .sort((a, b) => rank(a.status) - rank(b.status));
  if (flagged.length === 0) return undefined;
  const { failed, warned, errored, passed } = report.counts;
  const verdict = failed + errored > 0 ? 'FAILED' : 'warned';
  const counts = [
    failed > 0 ? `${failed} failed` : '',
    errored > 0 ? `${errored} could not run` : '',
    warned > 0 ? `${warned} warned` : '',
    `${passed} passed`,
  ].filter(Boolean);
  const lines = flagged
    .slice(0, NAMED_CHECKS)
    .map((result) => `*${result.name}* (${result.status}): ${describeResult(result) || result.description}`);
  if (flagged.length > NAMED_CHECKS) lines.push(`… and ${flagged.length - NAMED_CHECKS} more`);
  return alertMessage(`sparkify check ${verdict} on ${where}`, [
    `${counts.join(', ')} (${report.finishedAt.toISOString()})`,
    ...lines,
  ]);
}

function rank(status: string): number {
  return status === 'fail' ? 0 : status === 'error' ? 1 : 2;
}
