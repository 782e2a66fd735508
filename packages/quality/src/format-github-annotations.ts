import type { CheckReport } from './check-report.js';
import { describeResult } from './describe-result.js';

// GitHub's workflow-command encoding: % and newlines in the message, plus : and , in property values.
const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (text: string) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * GitHub Actions annotations for the checks that did not pass: `::error` for failures and checks that could not
 * run, `::warning` for warnings. The caller decides whether it runs on GitHub Actions.
 */
export function formatGithubAnnotations(report: CheckReport): string {
  return report.results
    .filter((result) => result.status !== 'pass')
    .map((result) => {
      const command = result.status === 'warn' ? 'warning' : 'error';
      const message = `${result.description}: ${describeResult(result, 10)}`;
      return `::${command} title=${escapeProperty(`check ${result.name}`)}::${escapeData(message)}\n`;
    })
    .join('');
}
