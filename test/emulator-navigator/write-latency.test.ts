/** The emulator's writeLatencyMs: a real Navigator runs a workflow for every write; reads stay fast. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startNavigatorEmulator, type NavigatorEmulator } from '../../emulator/navigator';
import { createComputer, login, ok } from './helpers';

const LATENCY = 300;

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
}

describe('Navigator emulator: write latency', () => {
  let emu: NavigatorEmulator;
  let token: string;

  before(async () => {
    emu = await startNavigatorEmulator({ products: { count: 1 }, writeLatencyMs: LATENCY });
    token = await login(emu);
  });
  after(async () => {
    await emu.close();
  });

  it('delays creates and step actions by writeLatencyMs, listings not', async () => {
    const create = await timed(() => createComputer(emu, token, { Name: 'SLOW-1', Audit_ID: 'dev-slow' }));
    const step = await timed(() =>
      ok(emu, token, 'POST', `/v2/object/${create.value.ObjectOID}/action/401`, { Notes: 'x' }),
    );
    const list = await timed(() => ok(emu, token, 'GET', '/v2/Computers'));
    assert.ok(create.ms >= LATENCY - 10, `create took ${create.ms} ms`);
    assert.ok(step.ms >= LATENCY - 10, `step action took ${step.ms} ms`);
    assert.ok(list.ms < LATENCY, `a listing took ${list.ms} ms`);
    assert.deepEqual(emu.counters().creates, { Computers: 1 });
  });

  it('refuses a negative or fractional latency, naming the option', async () => {
    for (const writeLatencyMs of [-1, 1.5])
      await assert.rejects(startNavigatorEmulator({ writeLatencyMs }), /writeLatencyMs/);
  });
});
