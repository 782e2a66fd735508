import type { CheckReport, CheckResult } from './check-report.js';
import { describeResult, formatSampleRow } from './describe-result.js';

/** Escapes text for XML content and attribute values, dropping characters XML 1.0 cannot hold. */
export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function testcase(result: CheckResult): string {
  const attributes =
    `name="${escapeXml(result.name)}" classname="sparkify.check.${escapeXml(result.table ?? 'custom')}" ` +
    `time="${seconds(result.durationMs)}"`;
  const sample = result.sample.map(formatSampleRow).join('\n');
  const rows = `${result.failingRows} failing row${result.failingRows === 1 ? '' : 's'}`;
  const body = `${result.description}\n${rows}${sample ? `\n${sample}` : ''}`;
  switch (result.status) {
    case 'fail':
      return (
        `    <testcase ${attributes}>\n` +
        `      <failure message="${escapeXml(describeResult(result))}" type="${escapeXml(result.type)}">${escapeXml(body)}</failure>\n` +
        '    </testcase>'
      );
    case 'error':
      return (
        `    <testcase ${attributes}>\n` +
        `      <error message="${escapeXml(describeResult(result))}" type="${escapeXml(result.type)}">${escapeXml(result.error ?? '')}</error>\n` +
        '    </testcase>'
      );
    case 'warn':
      // JUnit has no warning outcome: a warning passes, and says why in its output.
      return `    <testcase ${attributes}>\n      <system-out>${escapeXml(`WARNING: ${describeResult(result)}\n${body}`)}</system-out>\n    </testcase>`;
    case 'pass':
      return `    <testcase ${attributes}/>`;
  }
}

/** The report as JUnit XML: one testcase per check, failures carrying the sample of failing rows. */
export function formatJunit(report: CheckReport): string {
  const { failed, errored } = report.counts;
  const totals =
    `tests="${report.results.length}" failures="${failed}" errors="${errored}" skipped="0" ` +
    `time="${seconds(report.durationMs)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sparkify check" ${totals}>`,
    `  <testsuite name="sparkify check" ${totals} timestamp="${report.startedAt.toISOString()}">`,
    ...report.results.map(testcase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
