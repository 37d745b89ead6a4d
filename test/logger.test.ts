/**
 * The logs: JSON lines with level names when not on a terminal, secrets censored, run outcomes
 * at their level (failed = error, partial = warn), and the start lines the contract names,
 * read from a real server process.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReplayServer, type ReplayServer } from '../src/replay/replay-server';
import { createLogger, defaultLogFormat, maskUrlCredentials, REDACTED } from '../src/server/logger';
import { startApp, type AppProcess } from './support/app-server';
import { api, waitFor } from './support/http';
import { startTestRedis, type TestRedis } from './support/redis-server';

type Line = Record<string, unknown> & { level: string; msg: string };

function capture(format: 'json' | 'pretty') {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  const logger = createLogger({ format, destination: stream, base: { role: 'test' } });
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);
  return { logger, text, lines };
}

describe('logger', () => {
  it('JSON lines: ISO time, the level by name, the message, the fields, child fields', () => {
    const { logger, lines } = capture('json');
    logger.info('Run finished', { job_id: 'j1', status: 'completed' });
    logger.child({ run_id: 'r1' }).warn('Slow', { ms: 12 });
    logger.debug('not at info');
    const [first, second] = lines();
    expect(lines()).toHaveLength(2);
    expect(first).toMatchObject({
      level: 'info',
      msg: 'Run finished',
      role: 'test',
      job_id: 'j1',
      status: 'completed',
    });
    expect(new Date(first!.time as string).toISOString()).toBe(first!.time);
    expect(second).toMatchObject({ level: 'warn', msg: 'Slow', run_id: 'r1', ms: 12 });
  });

  it('censors credential fields and passwords inside URLs, in fields, errors and messages', () => {
    const { logger, text, lines } = capture('json');
    logger.error('Cannot reach smtp://mailer:hunter2@mail.example:587', {
      password: 'pw1',
      channel: { secret: 'whsec_1', token: 'tok_1', name: 'ops' },
      headers: { authorization: 'Bearer abc', cookie: 'sid=1' },
      error: new Error('connect redis://:sekrit@10.0.0.1:6379 refused'),
      url: 'smtps://u:p4ss@smtp.example',
    });
    for (const secret of ['hunter2', 'pw1', 'whsec_1', 'tok_1', 'abc', 'sid=1', 'sekrit', 'p4ss']) {
      expect(text()).not.toContain(secret);
    }
    expect(lines()[0]).toMatchObject({
      msg: `Cannot reach smtp://mailer:${REDACTED}@mail.example:587`,
      password: REDACTED,
      channel: { secret: REDACTED, token: REDACTED, name: 'ops' },
      headers: { authorization: REDACTED, cookie: REDACTED },
      error: `connect redis://:${REDACTED}@10.0.0.1:6379 refused`,
      url: `smtps://u:${REDACTED}@smtp.example`,
    });
    expect(maskUrlCredentials('http://localhost:8001/jobs')).toBe('http://localhost:8001/jobs');
  });

  it('pretty lines for a person; JSON unless stdout is a terminal or LOG_FORMAT says so', () => {
    const { logger, text } = capture('pretty');
    logger.warn('Run finished', { status: 'partial', password: 'pw2' });
    expect(text()).toMatch(/WARN.*Run finished/);
    expect(text()).not.toMatch(/^\{/);
    expect(text()).not.toContain('pw2');
    expect(defaultLogFormat(undefined, false)).toBe('json');
    expect(defaultLogFormat(undefined, true)).toBe('pretty');
    expect(defaultLogFormat('json', true)).toBe('json');
    expect(defaultLogFormat('pretty', false)).toBe('pretty');
  });
});

describe('the server’s logs', () => {
  let redis: TestRedis;
  let replay: ReplayServer;
  let app: AppProcess;

  beforeAll(async () => {
    redis = await startTestRedis();
    // No made-up data: SI is answered 404 (unknown symbol), AAPL from its recording.
    replay = await startReplayServer();
    app = await startApp({
      env: {
        REDIS_URL: redis.url,
        YAHOO_BASE_URL: replay.url,
        LOG_FORMAT: '',
        PROVIDER_MAX_ATTEMPTS: '1',
      },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await replay?.close();
    await redis?.stop();
  });

  const ours = () => app.logs.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);

  async function runOnce(stock_ids: string[]): Promise<Line> {
    const { body } = await api<{ job_id: string }>(app.url, 'POST', '/scheduler/jobs', {
      name: stock_ids.join('+'),
      stock_ids,
      schedule_time: '03:00',
    });
    await api(app.url, 'POST', `/scheduler/jobs/${body.job_id}/run`);
    return waitFor(`the run of ${stock_ids.join(', ')} in the logs`, async () =>
      ours().find((l) => l.msg === 'Run finished' && l.job_id === body.job_id),
    );
  }

  it('JSON lines on a pipe (LOG_FORMAT unset), with the contract’s start lines and a URL to open', async () => {
    await app.waitForLog(/Scheduler loop started/);
    const messages = ours().map((l) => l.msg);
    expect(messages).toContain('Job scheduler started');
    expect(messages).toContain('Scheduler loop started');
    expect(messages).toContain(`Stock Scheduler listening on http://127.0.0.1:${app.port}`);
  });

  it('a failed run is logged at error, a partial one at warn, with the symbols’ errors', async () => {
    const failed = await runOnce(['SI']);
    expect(failed).toMatchObject({ level: 'error', status: 'failed' });
    // The symbols' errors once, not again in the run's summary of them.
    expect(failed.error).toBeUndefined();
    expect(failed.failed).toEqual([
      {
        symbol: 'SI',
        error: 'unknown symbol (provider said: No data found, symbol may be delisted)',
      },
    ]);
    const partial = await runOnce(['AAPL', 'SI']);
    expect(partial).toMatchObject({ level: 'warn', status: 'partial' });
    const completed = await runOnce(['AAPL']);
    expect(completed).toMatchObject({ level: 'info', status: 'completed' });
    expect(completed.failed).toBeUndefined();
  });
});
