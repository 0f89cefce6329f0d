// Issue 14 item 6, the sinks: a secret value that reaches text by any road (not only an OvhError)
// is removed from log lines, journal lines, status/history replies, the metrics page, CLI output
// and errors — raw, percent-encoded, form-encoded or JSON-escaped, and never half-cut by a
// truncation that came first.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { sanitize } from '../src/cli/format-text.js';
import { answerRequest } from '../src/control/requests.js';
import type { ServiceApi } from '../src/control/service-api.js';
import { CarpFailoverError, summarizeError } from '../src/errors.js';
import { createLogger } from '../src/logging.js';
import { parseErrorBody } from '../src/ovh/errors.js';
import { Secret } from '../src/ovh/secret.js';
import { redactDeep, redactSecrets } from '../src/redact.js';
import { Journal } from '../src/status/journal.js';
import { renderMetrics } from '../src/status/metrics.js';
import { drainedReport, withResource } from './fakes/status-report.js';
import { captureLogger } from './fakes/logger.js';

const RAW = 'CANARY-redact+me/42=x y';
const secret = new Secret(RAW);
const FORMS = {
  raw: RAW,
  percent: encodeURIComponent(RAW),
  form: new URLSearchParams({ v: RAW }).toString().slice(2),
  json: JSON.stringify(RAW).slice(1, -1),
  lowerHex: encodeURIComponent(RAW).toLowerCase(),
};
const dir = mkdtempSync(join(tmpdir(), 'cf-redact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectClean(text: string): void {
  for (const form of Object.values(FORMS)) expect(text.toLowerCase()).not.toContain(form.toLowerCase());
  expect(text).toContain('[redacted]');
}

describe('redactSecrets', () => {
  it.each(Object.entries(FORMS))('removes the %s form', (_name, form) => {
    expect(redactSecrets(`before ${form} after`)).toBe('before [redacted] after');
  });

  it('removes it inside JSON quoted inside JSON (a journal line quoting an error body)', () => {
    const inner = JSON.stringify({ message: `client_secret=${FORMS.form}` });
    const line = JSON.stringify({ error: { message: inner } });
    expect(line).toContain('CANARY');
    expectClean(redactSecrets(line));
    expect(redactSecrets(line)).not.toContain('CANARY');
  });

  it('leaves text without a secret alone, and redactDeep copies plain objects only', () => {
    expect(redactSecrets('nothing to see')).toBe('nothing to see');
    const when = new Date(0);
    expect(redactDeep({ a: [`x ${RAW}`], n: 3, when })).toEqual({ a: ['x [redacted]'], n: 3, when });
  });

  it('a forgotten value (a replaced token) is no longer redacted; others still are', () => {
    const token = new Secret('token-0123456789abcdef');
    expect(redactSecrets('token-0123456789abcdef')).toBe('[redacted]');
    token.forget();
    token.forget(); // idempotent: does not drop another holder
    expect(redactSecrets('token-0123456789abcdef')).toBe('token-0123456789abcdef');
    expect(redactSecrets(RAW)).toBe('[redacted]');
    expect(secret.toString()).toBe('[redacted]');
  });
});

describe('every sink', () => {
  it('errors: message, details and summaries of foreign errors', () => {
    const error = new CarpFailoverError('OVH_TASK_FAILED', `task ended: ${FORMS.form}`, { details: { comment: `echo ${RAW}`, nested: [{ v: FORMS.percent }] } });
    expectClean(error.message);
    expectClean(JSON.stringify(error.toJSON()));
    expectClean(summarizeError(new Error(`boom ${RAW}`)).message);
  });

  it('OVH error bodies: redacted before they are cut, so no prefix of a secret survives', () => {
    for (let pad = 480; pad < 500; pad++) {
      const body = parseErrorBody(JSON.stringify({ class: 'Client::BadRequest', message: `${'x'.repeat(pad)}${RAW}` }));
      expect(body.message).not.toContain(RAW.slice(0, 500 - pad));
    }
    expectClean(parseErrorBody(`<html>${RAW}</html>`).message!);
  });

  it('logs: a secret value in any field or message of a line, whatever the key', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger('info', sink as never);
    log.info({ quoted: `body: client_secret=${FORMS.form}`, err: new Error(`echo ${RAW}`) }, `echo ${FORMS.percent}`);
    expect(lines).toHaveLength(1);
    expectClean(lines[0]!);
    expect(JSON.parse(lines[0]!)).toMatchObject({ quoted: 'body: client_secret=[redacted]', msg: 'echo [redacted]' });
  });

  it('journal: the line written to the file', async () => {
    const journal = new Journal({ path: join(dir, 'journal.jsonl'), maxBytes: 1 << 20, keep: 1, log: captureLogger().log });
    journal.append({ t: new Date(0).toISOString(), type: 'step', reconcileId: 'r1', resource: 'ovh:x', step: 'claim', outcome: 'error', durationMs: 1, error: { code: 'OVH_HTTP', message: `echo ${FORMS.form}` } });
    await journal.flush();
    expectClean(readFileSync(join(dir, 'journal.jsonl'), 'utf8'));
  });

  it('status and history replies on the sockets', async () => {
    const api = { status: () => ({ lastError: { message: `echo ${RAW}` } }), history: async () => [{ steps: [{ error: { message: FORMS.json } }] }] } as unknown as ServiceApi;
    expectClean((await answerRequest('{"v":1,"id":1,"cmd":"status"}', api, 'read')).line);
    expectClean((await answerRequest('{"v":1,"id":2,"cmd":"history"}', api, 'read')).line);
  });

  it('the metrics page', () => {
    const report = withResource(drainedReport(), 'ovh:192.0.2.10/32', { lastError: { code: 'OVH_HTTP', message: 'x', details: {}, transient: true, at: 0 } as never, errorCounts: { [`OVH_HTTP ${RAW}`]: 1 } });
    expectClean(renderMetrics(report));
  });

  it('CLI output', () => {
    expectClean(sanitize(`carp-failover: OVH answered: ${FORMS.percent}`));
  });
});
