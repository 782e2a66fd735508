import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startWebhookServer, type TestWebhookServer } from '@sparkify/testkit';
import { alertMessage, checkAlert, postWebhook, type CheckReport } from '../src/index.js';

const servers: TestWebhookServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** A real webhook server on 127.0.0.1, closed after the test. */
async function webhookServer(answers: (number | 'hang')[]) {
  const server = await startWebhookServer(answers);
  servers.push(server);
  return server;
}

const message = alertMessage('sparkify check FAILED on local', [
  '1 failed, 3 passed',
  '*volume* (fail): too few',
]);

describe('postWebhook against a real HTTP server', () => {
  it('posts one JSON message in the Slack shape (text + blocks)', async () => {
    const { url, received } = await webhookServer([200]);
    const delivery = await postWebhook(url, message);
    expect(delivery).toEqual({ delivered: true, attempts: 1, status: 200 });
    expect(received).toEqual([
      {
        method: 'POST',
        path: '/services/T000/B000/secret-token',
        contentType: 'application/json',
        body: {
          text: 'sparkify check FAILED on local\n1 failed, 3 passed\n*volume* (fail): too few',
          blocks: [
            { type: 'header', text: { type: 'plain_text', text: 'sparkify check FAILED on local' } },
            { type: 'section', text: { type: 'mrkdwn', text: '1 failed, 3 passed' } },
            { type: 'section', text: { type: 'mrkdwn', text: '*volume* (fail): too few' } },
          ],
        },
      },
    ]);
  });

  it('retries after a 500 and then delivers', async () => {
    const { url, received } = await webhookServer([500, 200]);
    const delivery = await postWebhook(url, message, { backoffMs: 10 });
    expect(delivery).toEqual({ delivered: true, attempts: 2, status: 200 });
    expect(received).toHaveLength(2);
    expect(received[1]!.body).toEqual(received[0]!.body);
  });

  it('gives up on a server that never answers, one timeout per attempt, and says so without the URL', async () => {
    const { url, received } = await webhookServer(['hang']);
    const delivery = await postWebhook(url, message, { timeoutMs: 300, retries: 1, backoffMs: 10 });
    expect(delivery).toEqual({ delivered: false, attempts: 2, error: 'no answer within 300 ms' });
    expect(received).toHaveLength(2);
  });

  it('reports a refused connection after its retries', async () => {
    const port = await freePort();
    const delivery = await postWebhook(`http://127.0.0.1:${port}/hook`, message, { backoffMs: 10 });
    expect(delivery).toEqual({ delivered: false, attempts: 3, error: 'connection refused' });
  });

  it('does not retry a 4xx (the URL or the message is wrong; sending it again will not help)', async () => {
    const { url, received } = await webhookServer([404]);
    const delivery = await postWebhook(url, message, { backoffMs: 10 });
    expect(delivery).toEqual({ delivered: false, attempts: 1, status: 404, error: 'HTTP 404' });
    expect(received).toHaveLength(1);
  });
});

describe('checkAlert', () => {
  const report = (statuses: ('pass' | 'warn' | 'fail')[]): CheckReport => ({
    status: statuses.includes('fail') ? 'fail' : statuses.includes('warn') ? 'warn' : 'pass',
    startedAt: new Date('2026-11-30T06:00:00Z'),
    finishedAt: new Date('2026-11-30T06:00:02Z'),
    durationMs: 2000,
    counts: {
      passed: statuses.filter((status) => status === 'pass').length,
      warned: statuses.filter((status) => status === 'warn').length,
      failed: statuses.filter((status) => status === 'fail').length,
      errored: 0,
    },
    results: statuses.map((status, index) => ({
      name: `check_${index}`,
      type: 'sql',
      table: null,
      description: `check number ${index}`,
      severity: 'error',
      status,
      failingRows: status === 'pass' ? 0 : 1,
      sample: status === 'pass' ? [] : [{ id: index }],
      durationMs: 1,
    })),
  });

  it('names the failed checks first, then the warnings, and is silent when all passed', () => {
    expect(checkAlert(report(['pass', 'pass']), 'local')).toBeUndefined();
    const alert = checkAlert(report(['warn', 'pass', 'fail']), 'local')!;
    expect(alert.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'sparkify check FAILED on local' },
    });
    expect(alert.text.split('\n')).toEqual([
      'sparkify check FAILED on local',
      '1 failed, 1 warned, 1 passed (2026-11-30T06:00:02.000Z)',
      '*check_2* (fail): 1 failing row: (id=2)',
      '*check_0* (warn): 1 failing row: (id=0)',
    ]);
    expect(checkAlert(report(['warn']), 'local')!.blocks[0]).toMatchObject({
      text: { text: 'sparkify check warned on local' },
    });
  });
});
