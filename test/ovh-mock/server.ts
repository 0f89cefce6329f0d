// An OVH API mock on 127.0.0.1: signed and OAuth2 requests verified, state and tasks from
// state.ts, faults from faults.ts, a log of every request. startOvhMock() for tests; main.ts
// runs it as a process for the lab.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ruleCovers } from '../../src/ovh/access.js';
import { signRequest } from '../../src/ovh/signing.js';
import { handleAdmin } from './admin.js';
import { echoBodyFor, errorBodyFor, MockFaults, type FaultRule } from './faults.js';
import { matchRoute, type Route } from './routes.js';
import { MockState, type BindingListener, type MockScheduler, type MockStateInit } from './state.js';

export interface OvhMockOptions {
  port?: number;
  /** The mock's clock (ms); share the test's FakeClock to drive tasks with fake time. */
  now?: () => number;
  state?: MockStateInit;
  onBindingChange?: BindingListener;
  /** Moves tasks along on a real timer (the lab), so bindings change without requests. */
  tickIntervalMs?: number;
  /** Moves tasks along on this scheduler (a test's fake clock), at their exact phase ends. */
  schedule?: MockScheduler;
  /** Serve /_mock/… admin routes (the standalone process). */
  admin?: boolean;
  /** Called once a request is authenticated, before it changes anything (assert "who wrote when"). */
  onRequest?: (request: MockRequest) => void;
}

export interface MockRequest {
  at: number;
  method: string;
  /** Path and query as received (base included). */
  url: string;
  /** Route template below the base, null when unknown. */
  route: string | null;
  status: number | null;
  /** Who called: application key/consumer key id, or OAuth2 client id. */
  caller: string | null;
  requestBody: unknown;
  responseBody: unknown;
  queryId: string;
  fault: FaultRule['kind'] | null;
}

export interface OvhMock {
  /** Base URL to put in config.ovh.base_url: http://127.0.0.1:PORT/1.0 */
  url: string;
  origin: string;
  state: MockState;
  faults: MockFaults;
  requests: MockRequest[];
  /** Requests that change something (POST/PUT/DELETE on API routes). */
  writes(): MockRequest[];
  close(): Promise<void>;
}

export const BASE_PATH = '/1.0';
const TOKEN_PATH = '/auth/oauth2/token';

type Answer = { status: number; body?: unknown; caller?: string | null };

/** Starts the mock on an ephemeral loopback port. */
export async function startOvhMock(options: OvhMockOptions = {}): Promise<OvhMock> {
  const now = options.now ?? Date.now;
  const state = new MockState(now, options.state);
  if (options.onBindingChange) state.onBindingChange(options.onBindingChange);
  state.schedule = options.schedule ?? null;
  const faults = new MockFaults((outcome) => {
    state.nextOutcome = outcome;
  });
  const requests: MockRequest[] = [];
  const sockets = new Set<Socket>();
  let queryCounter = 0;
  const serverNowS = () => Math.round(now() / 1000) + faults.skewS;
  // Every answer's Date header comes from the mock's (possibly fake, possibly skewed) clock, as a
  // real server's comes from its own.
  const send = (res: ServerResponse, status: number, body: unknown, queryId: string, headers: Record<string, string> = {}) =>
    sendRaw(res, status, body, queryId, { date: new Date(now() + faults.skewS * 1000).toUTCString(), ...headers });

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { class: 'Server::InternalServerError', message: `mock bug: ${(error as Error).message}` }, 'mock');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://mock');
    const method = req.method ?? 'GET';
    const queryId = `EU.mock-1.${(++queryCounter).toString(16).padStart(8, '0')}.${randomBytes(4).toString('hex')}`;
    let requestBody: unknown = rawBody;
    try {
      requestBody = rawBody === '' ? null : JSON.parse(rawBody);
    } catch {
      // keep the raw text (token form bodies)
    }
    if (url.pathname.startsWith('/_mock/')) {
      let answer: { status: number; body: unknown } | null = null;
      try {
        answer = options.admin ? handleAdmin({ state, faults, requests }, method, url.pathname, requestBody) : null;
      } catch (error) {
        answer = { status: 400, body: { message: (error as Error).message } };
      }
      answer ??= { status: 404, body: { message: 'unknown admin route' } };
      return send(res, answer.status, answer.body, queryId);
    }
    const isToken = url.pathname === TOKEN_PATH;
    const apiPath = url.pathname.startsWith(BASE_PATH + '/') ? url.pathname.slice(BASE_PATH.length) : null;
    const match = apiPath === null ? null : matchRoute(method, apiPath);
    const route = match && 'route' in match ? match.route : null;
    const entry: MockRequest = { at: now(), method, url: req.url ?? '/', route: match ? ('route' in match ? match.route.template : match.template) : isToken ? TOKEN_PATH : null, status: null, caller: null, requestBody: isToken ? '[form]' : requestBody, responseBody: undefined, queryId, fault: null };
    requests.push(entry);

    const fault = faults.take(method, entry.route, url.pathname);
    if (fault) {
      entry.fault = fault.kind;
      if (fault.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs ?? 5000));
      if (fault.kind === 'hold') await fault.release?.catch(() => undefined);
      if (fault.kind === 'status') {
        const status = fault.status ?? 500;
        const body = fault.echo ? echoBodyFor(isToken, rawBody, req.headers) : fault.body === undefined ? errorBodyFor(status) : fault.body;
        return finish(res, entry, status, body, queryId, fault.headers);
      }
      if (fault.kind === 'truncate') {
        entry.status = 200;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096', 'x-ovh-queryid': queryId });
        res.write('{"ip":"192.0.2.');
        res.socket?.end();
        return;
      }
      if (fault.kind === 'oversize') return finish(res, entry, 200, { padding: 'x'.repeat(2 * 1024 * 1024) }, queryId);
      if (fault.kind === 'garbage') {
        entry.status = 200;
        res.writeHead(200, { 'content-type': 'text/html', 'x-ovh-queryid': queryId });
        res.end('<html><body>Bad gateway</body></html>');
        return;
      }
    }

    state.tick();
    let answer: Answer;
    if (isToken && method === 'POST') answer = token(rawBody);
    else if (!match) answer = { status: 404, body: { class: 'Client::NotFound', message: 'Got an invalid (or empty) URL' } };
    else if (!route) answer = { status: 405, body: { class: 'Client::MethodNotAllowed', message: `Method ${method} not allowed on this path` } };
    else if (route.template === '/auth/time') answer = { status: 200, body: serverNowS() };
    else answer = authorize(req, route, method, url, rawBody) ?? { status: 0 };
    if (answer.status === 0 && route) {
      const caller = answer.caller ?? null;
      entry.caller = caller;
      options.onRequest?.(entry);
      const credential = caller && state.legacy.get(consumerOf(req)) ? state.legacy.get(consumerOf(req))! : null;
      answer = { ...route.handle({ state, params: (match as { params: Record<string, string> }).params, query: url.searchParams, body: requestBody, credential }), caller };
    }
    entry.caller = answer.caller ?? null;
    finish(res, entry, answer.status, answer.body, queryId);
  }

  /** Null plus caller when allowed; an OVH error answer otherwise. */
  function authorize(req: IncomingMessage, route: Route, method: string, url: URL, rawBody: string): Answer {
    const authz = req.headers.authorization;
    if (typeof authz === 'string' && authz.startsWith('Bearer ')) {
      const token = state.tokens.get(authz.slice(7));
      if (!token || token.expiresAt <= now()) return { status: 401, body: { class: 'Client::Unauthorized', message: 'Invalid or expired token' } };
      const client = state.oauthClients.get(token.clientId)!;
      if (route.action && !client.actions.includes('*') && !client.actions.includes(route.action)) {
        return { status: 403, body: { class: 'Client::Forbidden', message: 'User not granted for this request', details: { unauthorizedActionsByIAM: route.action } }, caller: client.clientId };
      }
      return { status: 0, caller: client.clientId };
    }
    const ak = header(req, 'x-ovh-application');
    const ck = consumerOf(req);
    const credential = state.legacy.get(ck);
    const legacyError = (status: number, errorCode: string, message: string) => ({ status, body: { errorCode, httpCode: `${status} ${status === 400 ? 'Bad Request' : 'Forbidden'}`, message } });
    if (!ak || ![...state.legacy.values()].some((c) => c.applicationKey === ak)) return legacyError(403, 'INVALID_KEY', 'This application key is invalid');
    if (!credential || credential.applicationKey !== ak) return legacyError(403, 'NOT_CREDENTIAL', 'This credential does not exist');
    const ts = Number(header(req, 'x-ovh-timestamp'));
    if (!Number.isInteger(ts) || Math.abs(ts - serverNowS()) > faults.signatureWindowS) return legacyError(400, 'INVALID_SIGNATURE', 'Invalid signature');
    // Rebuild the URL the way the client signs it: https + host without port + path and query.
    const host = (req.headers.host ?? '127.0.0.1').replace(/:\d+$/, '');
    const expected = signRequest({ applicationSecret: credential.applicationSecret, consumerKey: ck, method, url: `https://${host}${url.pathname}${url.search}`, body: rawBody, timestamp: ts });
    if (header(req, 'x-ovh-signature') !== expected) return legacyError(400, 'INVALID_SIGNATURE', 'Invalid signature');
    if (credential.status !== 'validated') return legacyError(403, 'INVALID_CREDENTIAL', 'This credential is not valid');
    const apiPath = url.pathname.slice(BASE_PATH.length);
    // A consumer key may always read itself (/auth/currentCredential); rules cover the rest.
    if (!apiPath.startsWith('/auth/') && !credential.rules.some((r) => ruleCovers(r, { method, path: apiPath }))) return legacyError(403, 'NOT_GRANTED_CALL', 'This call has not been granted');
    return { status: 0, caller: `${ak}/${ck.slice(0, 4)}` };
  }

  function token(rawBody: string): Answer {
    const form = new URLSearchParams(rawBody);
    const client = state.oauthClients.get(form.get('client_id') ?? '');
    if (form.get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' } };
    if (!client || client.clientSecret !== form.get('client_secret')) return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
    const accessToken = randomBytes(24).toString('hex');
    state.tokens.set(accessToken, { clientId: client.clientId, expiresAt: now() + state.tokenLifetimeS * 1000 });
    return { status: 200, body: { access_token: accessToken, token_type: 'Bearer', expires_in: state.tokenLifetimeS, scope: 'all' }, caller: client.clientId };
  }

  function finish(res: ServerResponse, entry: MockRequest, status: number, body: unknown, queryId: string, headers: Record<string, string> = {}): void {
    entry.status = status;
    entry.responseBody = body;
    if (entry.fault === 'lost') {
      res.socket?.destroy();
      return;
    }
    send(res, status, body, queryId, headers);
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const timer = options.tickIntervalMs ? setInterval(() => state.tick(), options.tickIntervalMs) : null;
  timer?.unref();
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: origin + BASE_PATH,
    origin,
    state,
    faults,
    requests,
    writes: () => requests.filter((r) => r.route !== null && r.route !== TOKEN_PATH && r.method !== 'GET'),
    close: async () => {
      if (timer) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendRaw(res: ServerResponse, status: number, body: unknown, queryId: string, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ovh-queryid': queryId, ...headers });
  res.end(text);
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

function consumerOf(req: IncomingMessage): string {
  return header(req, 'x-ovh-consumer');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1 << 20) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
