/**
 * The pipeline of every API call but the token request: count it → workload limit →
 * injected fault (delay, drop, 429, 5xx) → write latency (creates and step actions) → bearer
 * check → handler → answer (or, for a lost answer, the socket destroyed after the handler
 * committed its write). Every answer is the envelope; with errorsAsHttp200 a failure goes out
 * as HTTP 200.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, denied, ok, type Envelope } from './envelope';
import type { CallFault, CallKind } from './faults';
import type { Navigator } from './navigator';
import { ERROR_CODES, MESSAGES } from './paths';

/** A handler's answer: the responseObject, and the committed write (if any) to count. */
export interface HandlerResult {
  responseObject: unknown;
  write?: { kind: 'create' | 'action'; className: string };
}

export type Handler = () => HandlerResult;

/** Sends an envelope; a failure goes out as HTTP 200 when the Navigator is so configured. */
export function sendEnvelope(
  nav: Navigator,
  reply: FastifyReply,
  status: number,
  body: Envelope,
): FastifyReply {
  const code = !body.success && nav.opts.errorsAsHttp200 ? 200 : status;
  return reply.code(code).header('cache-control', 'no-cache').send(body);
}

export function sendError(nav: Navigator, reply: FastifyReply, err: ApiError): FastifyReply {
  return sendEnvelope(nav, reply, err.status, err.envelope());
}

export function sendThrottled(
  nav: Navigator,
  reply: FastifyReply,
  retryAfterSeconds: number | undefined,
): FastifyReply {
  nav.counters.add('throttled429');
  if (retryAfterSeconds !== undefined) void reply.header('retry-after', String(retryAfterSeconds));
  return sendError(nav, reply, new ApiError(429, ERROR_CODES.throttled, MESSAGES.throttled));
}

export function dropSocket(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.hijack();
  req.raw.socket.destroy();
  return reply;
}

/**
 * The gateway part of a call (limit, delay, drop, 429, 5xx): undefined when it answered the
 * call itself, else the fault still to apply after the handler (none or a lost answer).
 */
export async function gateway(
  nav: Navigator,
  call: CallKind,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<CallFault | undefined> {
  nav.counters.call(call);
  const rejection = nav.gate.admit();
  if (rejection) return void sendThrottled(nav, reply, rejection.retryAfterSeconds);
  const fault = nav.faults.next(call);
  if (fault.delayMs > 0) await sleep(fault.delayMs);
  if (fault.kind === 'drop') {
    nav.counters.add('drops');
    return void dropSocket(req, reply);
  }
  if (fault.kind === '429') return void sendThrottled(nav, reply, fault.retryAfterSeconds);
  if (fault.kind === '5xx') {
    nav.counters.add('faults5xx');
    const text = fault.status === 500 ? MESSAGES.internal : MESSAGES.unavailable;
    return void sendError(nav, reply, new ApiError(fault.status, fault.status, text));
  }
  return fault;
}

function run(nav: Navigator, handler: Handler): { status: number; body: Envelope; result?: HandlerResult } {
  try {
    const result = handler();
    return { status: 200, body: ok(result.responseObject), result };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    nav.counters.add('refused');
    return { status: err.status, body: err.envelope() };
  }
}

/** Runs one authenticated API call through the whole pipeline. */
export async function apiCall(
  nav: Navigator,
  call: CallKind,
  req: FastifyRequest,
  reply: FastifyReply,
  handler: Handler,
): Promise<FastifyReply> {
  const fault = await gateway(nav, call, req, reply);
  if (!fault) return reply;
  const writes = call === 'create' || call === 'action';
  if (writes && nav.opts.writeLatencyMs > 0) await sleep(nav.opts.writeLatencyMs);
  if (!nav.auth.check(req.headers.authorization)) {
    nav.counters.add('refused');
    return sendError(nav, reply, denied());
  }
  const { status, body, result } = run(nav, handler);
  if (result?.write) nav.counters.write(result.write.kind, result.write.className);
  if (fault.kind === 'lostAnswer') {
    nav.counters.add('drops');
    if (result?.write) nav.counters.add('lostAnswers');
    return dropSocket(req, reply);
  }
  return sendEnvelope(nav, reply, status, body);
}
