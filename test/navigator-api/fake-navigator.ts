/**
 * A small Navigator API over real HTTP (fastify) for the client's integration tests: only what
 * they need (token, listing with a page cap of 37 and an empty last page, objects, creates, step
 * actions, checks, the Status dictionary) and a queue of one-shot faults (status with or without
 * Retry-After, HTML, a dropped socket after the write is recorded, a slow answer). The real
 * emulator (emulator/navigator/) is another branch's; the client is run against it later.
 */
import fastify, { type FastifyReply, type FastifyRequest } from 'fastify';

export const PAGE_CAP = 37;
export const CLIENT_ID = 'sync-app';
export const SECRET = 'nav-secret-Zq8!x/+=%';
export const STATUSES = ['Auto-Added', 'In Use', 'Retired'];
/** Classes it serves (only Computers has rows). */
export const CLASSES = ['Computers', 'InventoryItems', 'SoftwareProducts'];

export interface Fault {
  status?: number;
  retryAfter?: string;
  /** Envelope errorText (with success: false). */
  errorText?: string;
  html?: boolean;
  /** Destroy the socket (for a create: after the write is recorded). */
  drop?: boolean;
  delayMs?: number;
}

interface Rec {
  ID: string;
  OID: string;
  Name: string;
  Status: string;
  Audit_ID: string;
}

const guid = (i: number) =>
  `{${(0x10000000 + i).toString(16).toUpperCase()}-AAAA-4BBB-8CCC-${String(i).padStart(12, '0')}}`;
const envelope = (responseObject: unknown) => ({
  success: true,
  errorCode: 0,
  errorText: '',
  responseObject,
});
const refusal = (errorText: string, errorCode = 1) => ({
  success: false,
  errorCode,
  errorText,
  responseObject: null,
});

export async function startFakeNavigator(
  opts: { computers?: number; expiresIn?: number | null; deniedAs200?: boolean } = {},
) {
  const records: Rec[] = Array.from({ length: opts.computers ?? 100 }, (_, i) => ({
    ID: guid(i + 1),
    OID: `C${String(i + 1).padStart(6, '0')}`,
    Name: `PC-${String(i + 1).padStart(4, '0')}`,
    Status: i % 2 ? 'In Use' : 'Auto-Added',
    Audit_ID: i % 3 ? `dev-${i + 1}` : '',
  }));
  const state = {
    tokens: new Set<string>(),
    tokenRequests: 0,
    apiRequests: 0,
    inFlight: 0,
    maxInFlight: 0,
    writes: [] as unknown[],
    faults: [] as Fault[],
    htmlSite: false,
    denyAll: false,
    seen: [] as string[],
  };
  const app = fastify();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );
  app.addHook('onRequest', (_req, _reply, done) => {
    state.maxInFlight = Math.max(state.maxInFlight, ++state.inFlight);
    done();
  });
  app.addHook('onResponse', (_req, _reply, done) => void (state.inFlight--, done()));
  app.addHook('onRequestAbort', (_req, done) => void (state.inFlight--, done()));
  app.addHook('onRequest', async (req, reply) => {
    state.seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    if (state.htmlSite)
      return reply.type('text/html').send('<!doctype html><html><body>Welcome to IIS</body></html>');
  });

  app.post('/api/token', async (req, reply) => {
    state.tokenRequests++;
    const form = req.body as Record<string, string>;
    if (
      form.grant_type !== 'client_credentials' ||
      form.client_id !== CLIENT_ID ||
      form.client_secret !== SECRET
    )
      return reply.code(400).send({ error: 'invalid_client' });
    const token = `tok-${state.tokenRequests}-${Math.random().toString(36).slice(2)}`;
    state.tokens.add(token);
    return opts.expiresIn === null
      ? { access_token: token }
      : { access_token: token, token_type: 'bearer', expires_in: opts.expiresIn ?? 28800 };
  });

  /** Auth, then the next fault; true when the answer was already given. */
  async function gate(req: FastifyRequest, reply: FastifyReply, afterWrite?: () => void): Promise<boolean> {
    state.apiRequests++;
    const token = /^bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !state.tokens.has(token) || state.denyAll) {
      await reply
        .code(opts.deniedAs200 ? 200 : 401)
        .send(refusal('Authorization has been denied for this request.'));
      return true;
    }
    const fault = state.faults.shift();
    if (!fault) return false;
    if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault.drop) {
      afterWrite?.();
      req.raw.socket.destroy();
      return true;
    }
    if (fault.retryAfter) void reply.header('retry-after', fault.retryAfter);
    if (fault.html)
      await reply
        .code(fault.status ?? 200)
        .type('text/html')
        .send('<html><body>Error</body></html>');
    else if (fault.status || fault.errorText)
      await reply.code(fault.status ?? 200).send(refusal(fault.errorText ?? 'Server error'));
    else return false;
    return true;
  }

  app.post('/api/v2/:cls', async (req, reply) => {
    if (await gate(req, reply)) return reply;
    const { cls } = req.params as { cls: string };
    if (!CLASSES.includes(cls)) return reply.code(404).send(refusal(`Object class "${cls}" not found.`));
    const b = req.body as {
      fields: string[];
      offset: number;
      limit: number;
      filters?: { name: string; value: string }[];
    };
    const bad = b.fields.find((f) => !(f in records[0]!));
    if (bad) return reply.code(400).send(refusal(`Field "${bad}" not found.`));
    const match = (cls === 'Computers' ? records : []).filter((r) =>
      (b.filters ?? []).every((f) => r[f.name as keyof Rec] === f.value),
    );
    const page = match.slice(b.offset, b.offset + Math.min(b.limit, PAGE_CAP));
    return envelope({
      Fields: b.fields.map((Name) => ({ Name, DataType: Name === 'ID' ? 'guid' : 'string', Caption: Name })),
      Data: page.map((r) => b.fields.map((f) => r[f as keyof Rec])),
    });
  });
  app.get('/api/v2/object/:oid', async (req, reply) => {
    if (await gate(req, reply)) return reply;
    const { oid } = req.params as { oid: string };
    const rec = records.find((r) => r.OID === oid);
    if (!rec) return reply.code(404).send(refusal(`Object ${oid} not found.`));
    const items = Object.entries(rec).map(([name, value]: [string, string]) => ({
      name,
      caption: name,
      value,
    }));
    return envelope({ Items: items });
  });
  app.post('/api/v2', async (req, reply) => {
    const b = req.body as { ActionId: string; Fields: Record<string, string> };
    const rec = (): Rec => ({
      ID: guid(records.length + 1),
      OID: `C${String(records.length + 1).padStart(6, '0')}`,
      Name: b.Fields.Name ?? '',
      Status: 'Auto-Added',
      Audit_ID: b.Fields.Audit_ID ?? '',
    });
    const commit = () => void (records.push(rec()), state.writes.push(b));
    if (await gate(req, reply, commit)) return reply;
    if (b.ActionId !== '301') return reply.code(404).send(refusal(`Action ${b.ActionId} not found.`));
    if (!b.Fields.Name)
      return { ...envelope({ Succeed: false }), errorText: 'The field "Name" is mandatory.' };
    commit();
    const made = records.at(-1)!;
    return envelope({ Succeed: true, ObjectID: made.ID.slice(1, -1).toLowerCase(), ObjectOID: made.OID });
  });
  app.post('/api/v2/object/:oid/action/:id', async (req, reply) => {
    if (await gate(req, reply)) return reply;
    const { oid, id } = req.params as { oid: string; id: string };
    const rec = records.find((r) => r.OID === oid);
    if (id !== '250') return reply.code(404).send(refusal(`Action ${id} not found.`));
    if (!rec) return reply.code(404).send(refusal(`Object ${oid} not found.`));
    if (rec.Status === 'Retired') return refusal('The action is not available for this object.');
    Object.assign(rec, req.body as Partial<Rec>);
    state.writes.push({ oid, id, fields: req.body });
    return envelope({ Succeed: true, ObjectID: rec.ID, ObjectOID: rec.OID });
  });
  app.get('/api/v2/object/:oid/action/:id/check', async (req, reply) => {
    if (await gate(req, reply)) return reply;
    const rec = records.find((r) => r.OID === (req.params as { oid: string }).oid);
    return envelope({ Result: !!rec && rec.Status !== 'Retired' });
  });
  app.get('/api/v2/:cls/Dictionary/:field', async (req, reply) => {
    if (await gate(req, reply)) return reply;
    const { field } = req.params as { field: string };
    if (field !== 'Status') return reply.code(400).send(refusal(`Field "${field}" not found.`));
    return envelope({
      Fields: [{ Name: 'ID' }, { Name: 'Name' }],
      Data: STATUSES.map((s, i) => [guid(900 + i), s]),
    });
  });

  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    apiUrl: `${address}/api`,
    port: Number(new URL(address).port),
    state,
    records,
    /** Faults for the next API requests (after the token check), one each. */
    fault: (...faults: Fault[]) => void state.faults.push(...faults),
    revokeTokens: () => state.tokens.clear(),
    setHtmlSite: (on: boolean) => void (state.htmlSite = on),
    /** Deny every API call, even with a fresh token. */
    setDenyAll: (on: boolean) => void (state.denyAll = on),
    close: () => app.close(),
  };
}

export type FakeNavigator = Awaited<ReturnType<typeof startFakeNavigator>>;
