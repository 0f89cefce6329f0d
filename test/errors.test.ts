import { describe, expect, it } from 'vitest';
import { CarpFailoverError, summarizeError } from '../src/errors.js';

describe('CarpFailoverError', () => {
  it('keeps code, details, transient and cause', () => {
    const cause = new Error('socket reset');
    const error = new CarpFailoverError('OVH_NETWORK', 'GET /ip failed', { cause, details: { path: '/ip' }, transient: true });
    expect(error.name).toBe('CarpFailoverError');
    expect(error.cause).toBe(cause);
    expect(error.toJSON()).toEqual({ code: 'OVH_NETWORK', message: 'GET /ip failed', details: { path: '/ip' }, transient: true });
  });

  it('summarizes foreign errors as INTERNAL and aborts as ABORTED', () => {
    expect(summarizeError(new TypeError('boom')).code).toBe('INTERNAL');
    expect(summarizeError('text').message).toBe('text');
    const abort = new Error('stop');
    abort.name = 'AbortError';
    expect(summarizeError(abort)).toMatchObject({ code: 'ABORTED', transient: true });
  });
});
