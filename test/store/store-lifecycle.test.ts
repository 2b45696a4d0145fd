import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { AmbiguousRecordError, RecordNotFoundError, type SqlSyncStore } from '../../activities/store';
import { engines } from '../helpers/stores';
import { device, devices } from './fixtures';

const T1 = '2024-03-01T10:00:00.000Z';
const T2 = '2024-03-02T10:00:00.000Z';

for (const engine of engines()) {
  describe(`retirement and presence on ${engine.name}`, () => {
    let store: SqlSyncStore;
    beforeEach(async () => {
      store = await engine.open();
    });
    afterEach(async () => {
      await store.close();
    });
    after(() => engine.cleanup());

    it('retires by name, lists the write-back, keeps the record retired, and records the write-back', async () => {
      await store.applyDevicePage('job', devices(3));
      const retired = await store.retire('computer', 'PC-DEV-1', T1);
      assert.deepEqual(
        { ...retired, recordId: 0 },
        {
          kind: 'computer',
          recordId: 0,
          sourceId: 'dev-00001',
          name: 'pc-dev-1',
          retiredAt: T1,
        },
      );
      assert.deepEqual(await store.pendingWriteBacks('job'), [retired]);
      assert.deepEqual(await store.pendingWriteBacks('other'), []);
      const counts = await store.counts('job');
      assert.deepEqual(
        {
          liveDevices: counts.liveDevices,
          installations: counts.installations,
          retiredInSource: counts.retiredInSource,
        },
        { liveDevices: 2, installations: 6, retiredInSource: 1 },
      );

      const again = await store.applyDevicePage('job', devices(3));
      assert.deepEqual({ unchanged: again.unchanged, updated: again.updated }, { unchanged: 3, updated: 0 });
      assert.equal(
        (await store.findRecord('job', 'dev-00001'))?.status,
        'Retired',
        'the sync does not revive it',
      );

      await store.markWrittenBack('computer', retired.recordId, { at: T2, runId: 'run', outcome: 'deleted' });
      await store.markWrittenBack('computer', retired.recordId, {
        at: '2030-01-01T00:00:00.000Z',
        runId: 'other-run',
        outcome: 'already-gone',
      });
      assert.deepEqual(await store.pendingWriteBacks('job'), []);
      const rec = (await store.listRecords('computer')).find((r) => r.id === retired.recordId);
      assert.equal(rec?.writtenBackAt, T2, 'the first write-back date is kept');
      assert.equal((await store.counts('job')).retiredInSource, 0);
    });

    it('retires by numeric id, idempotently', async () => {
      await store.applyDevicePage('job', [device({ sourceId: 'h1', kind: 'hardware', name: 'switch' })]);
      const id = (await store.findRecord('job', 'h1'))?.recordId ?? -1;
      const first = await store.retire('hardware', String(id), T1);
      const second = await store.retire('hardware', ` ${id} `, T2);
      assert.deepEqual(second, first);
      assert.equal(first.retiredAt, T1);
    });

    it('refuses an ambiguous name, listing the ids, and reports an unknown one', async () => {
      const a = await store.insertManualRecord('computer', { source: 'manual', name: 'kiosk' });
      const b = await store.insertManualRecord('computer', { source: 'manual', name: 'Kiosk' });
      await assert.rejects(store.retire('computer', 'KIOSK', T1), (err: unknown) => {
        assert.ok(err instanceof AmbiguousRecordError);
        assert.equal(err.code, 'AmbiguousRecord');
        assert.deepEqual(err.ids, [a, b]);
        assert.match(err.message, new RegExp(`IDs ${a}, ${b}`));
        return true;
      });
      await assert.rejects(store.retire('computer', 'nope', T1), (err: unknown) => {
        assert.ok(err instanceof RecordNotFoundError);
        assert.equal(err.code, 'RecordNotFound');
        return true;
      });
      await assert.rejects(store.retire('hardware', 'kiosk', T1), RecordNotFoundError);
    });

    it('retires a hand-made record with nothing to write back', async () => {
      const id = await store.insertManualRecord('computer', { source: 'manual', name: 'desk-1' });
      const res = await store.retire('computer', 'desk-1', T1);
      assert.deepEqual({ recordId: res.recordId, sourceId: res.sourceId }, { recordId: id, sourceId: '' });
      assert.deepEqual(await store.pendingWriteBacks('job'), []);
    });

    it('lists live devices a run did not see, keyset-paged in source id order', async () => {
      await store.applyDevicePage('job', devices(10));
      await store.applyDevicePage('other', devices(2));
      assert.deepEqual(
        await store.markSeen('job', 'run-1', 0, ['dev-00000', 'dev-00002', 'dev-00004']),
        new Set(),
      );
      await store.markSeen('job', 'run-1', 5, ['dev-00006', 'dev-00008', 'unknown']);
      assert.equal(await store.countUnseen('job', 'run-1'), 5);
      const first = await store.listUnseen('job', 'run-1', 3);
      assert.deepEqual(first, ['dev-00001', 'dev-00003', 'dev-00005']);
      assert.deepEqual(await store.listUnseen('job', 'run-1', 3, first.at(-1)), ['dev-00007', 'dev-00009']);
      assert.equal(await store.countUnseen('job', 'run-2'), 10, 'another run sees nothing yet');
      await store.endRun('job', 'run-1');
      assert.equal(await store.countUnseen('job', 'run-1'), 10, 'endRun drops the seen set');
    });

    it('tells which ids an earlier page already saw, but not a retried page its own', async () => {
      await store.markSeen('job', 'r', 0, ['a', 'b', 'c']);
      assert.deepEqual(
        await store.markSeen('job', 'r', 0, ['a', 'b', 'c']),
        new Set(),
        'retry of the same page',
      );
      assert.deepEqual(await store.markSeen('job', 'r', 3, ['c', 'd']), new Set(['c']));
      assert.deepEqual(await store.markSeen('job', 'other-run', 3, ['c']), new Set());
    });

    it('flags missing devices with the date, hides them from counts, and clears the flag when they return', async () => {
      const page = devices(4, 2);
      await store.applyDevicePage('job', page);
      assert.equal(
        await store.flagMissing('job', ['dev-00001', 'dev-00002', 'not-there'], {
          at: T1,
          runId: 'run',
          by: 'walk',
        }),
        2,
      );
      assert.equal(
        await store.flagMissing('job', ['dev-00001'], { at: T2, runId: 'run', by: 'walk' }),
        0,
        'already flagged',
      );
      const rec = await store.findRecord('job', 'dev-00001');
      assert.deepEqual(
        { missingFromAlloyScan: rec?.missingFromAlloyScan, missingConfirmedAt: rec?.missingConfirmedAt },
        { missingFromAlloyScan: true, missingConfirmedAt: T1 },
      );
      const counts = await store.counts('job');
      assert.deepEqual(
        {
          liveDevices: counts.liveDevices,
          installations: counts.installations,
          flaggedMissing: counts.flaggedMissing,
        },
        { liveDevices: 2, installations: 4, flaggedMissing: 2 },
      );
      assert.equal(await store.countUnseen('job', 'run'), 2, 'flagged devices are not candidates again');

      const states = await store.getDeviceStates('job', ['dev-00001']);
      assert.deepEqual(
        states.get('dev-00001'),
        { sourceId: 'dev-00001' },
        'no audit: the caller re-reads it',
      );
      const res = await store.applyDevicePage('job', page);
      assert.deepEqual({ updated: res.updated, unchanged: res.unchanged }, { updated: 2, unchanged: 2 });
      const back = await store.findRecord('job', 'dev-00001');
      assert.deepEqual(
        { missingFromAlloyScan: back?.missingFromAlloyScan, missingConfirmedAt: back?.missingConfirmedAt },
        { missingFromAlloyScan: false, missingConfirmedAt: undefined },
      );
      assert.equal((await store.counts('job')).liveDevices, 4);
    });

    it('never flags a retired record', async () => {
      await store.applyDevicePage('job', devices(1));
      await store.retire('computer', 'pc-dev-0', T1);
      assert.equal(await store.flagMissing('job', ['dev-00000'], { at: T2, runId: 'run', by: 'walk' }), 0);
      assert.equal(await store.countUnseen('job', 'run'), 0);
    });
  });
}

describe('write-back and missing flags counted from the store', () => {
  for (const engine of engines()) {
    describe(`on ${engine.name}`, () => {
      let store: SqlSyncStore;
      beforeEach(async () => {
        store = await engine.open();
      });
      afterEach(() => store.close());
      after(() => engine.cleanup());

      it("counts a run's write-backs by outcome, and those whose device the run had listed", async () => {
        await store.applyDevicePage('job', devices(4));
        await store.markSeen('job', 'run', 0, ['dev-00000', 'dev-00001']);
        const retired = [];
        for (const name of ['pc-dev-0', 'pc-dev-1', 'pc-dev-2'])
          retired.push(await store.retire('computer', name, T1));
        await store.markWriteBackStarted('computer', retired[0]!.recordId, 'run');
        assert.deepEqual(
          (await store.pendingWriteBacks('job')).map((p) => p.deletingRun),
          ['run', undefined, undefined],
          'an attempt that sent its DELETE is known to the next',
        );
        await store.markWrittenBack('computer', retired[0]!.recordId, {
          at: T2,
          runId: 'run',
          outcome: 'deleted',
        });
        await store.markWrittenBack('computer', retired[1]!.recordId, {
          at: T2,
          runId: 'run',
          outcome: 'already-gone',
        });
        await store.markWrittenBack('computer', retired[2]!.recordId, {
          at: T2,
          runId: 'run',
          outcome: 'deleted',
        });
        await store.markWrittenBack('computer', retired[2]!.recordId, {
          at: T2,
          runId: 'later',
          outcome: 'deleted',
        });
        assert.deepEqual(await store.writeBackTally('job', 'run'), {
          deleted: 2,
          alreadyGone: 1,
          deletedListed: 1,
        });
        assert.deepEqual(await store.writeBackTally('job', 'later'), {
          deleted: 0,
          alreadyGone: 0,
          deletedListed: 0,
        });
      });

      it('counts the devices a run flagged missing that are still flagged', async () => {
        const page = devices(3);
        await store.applyDevicePage('job', page);
        await store.flagMissing('job', ['dev-00000', 'dev-00001'], { at: T1, runId: 'run', by: 'walk' });
        assert.equal(await store.flaggedBy('job', 'run'), 2);
        await store.applyDevicePage('job', [page[0]!]);
        assert.equal(await store.flaggedBy('job', 'run'), 1, 'a device that came back is no longer flagged');
        assert.equal(await store.flaggedBy('job', 'other'), 0);
      });

      it("tells the walk's flags from the pages' flags of the same run", async () => {
        await store.applyDevicePage('job', devices(4));
        await store.flagMissing('job', ['dev-00000'], { at: T1, runId: 'run', by: 'page' });
        await store.flagMissing('job', ['dev-00001', 'dev-00002'], { at: T1, runId: 'run', by: 'walk' });
        assert.deepEqual(
          {
            all: await store.flaggedBy('job', 'run'),
            walk: await store.flaggedBy('job', 'run', 'walk'),
            page: await store.flaggedBy('job', 'run', 'page'),
          },
          { all: 3, walk: 2, page: 1 },
        );
      });

      it("adds up a run's retire calls per step, with the write-back's intent, and drops them with the run", async () => {
        await store.applyDevicePage('job', devices(2));
        const rec = await store.findRecord('job', 'dev-00000');
        await store.markWriteBackStarted(rec!.kind, rec!.recordId, 'run', { jobId: 'job', calls: 2 });
        await store.markWriteBackStarted(rec!.kind, rec!.recordId, 'run', { jobId: 'job', calls: 1 });
        await store.addRunCalls('job', 'run', 'missing', 5);
        await store.addRunCalls('job', 'other', 'missing', 7);
        assert.deepEqual(
          {
            writeBack: await store.runCalls('job', 'run', 'write-back'),
            missing: await store.runCalls('job', 'run', 'missing'),
            other: await store.runCalls('job', 'other', 'missing'),
          },
          { writeBack: 3, missing: 5, other: 7 },
        );
        await store.endRun('job', 'run');
        assert.equal(await store.runCalls('job', 'run', 'missing'), 0, 'scratch: gone with the run');
        assert.equal(await store.dropStaleScratch('job', 'run'), 1, "the other run's counter row");
        assert.equal(await store.runCalls('job', 'other', 'missing'), 0);
      });

      it('remembers what a run quarantined, each record once', async () => {
        const rec = (id: string, kind = 'product') => ({
          sourceId: id,
          kind,
          reason: 'bad',
          rawExcerpt: '{}',
        });
        await store.saveQuarantine('job', 'run', [rec('p1'), rec('p2'), rec('d1', 'device')]);
        await store.saveQuarantine('job', 'run', [rec('p1')]);
        assert.deepEqual(
          await store.quarantinedIds('job', 'run', ['product'], ['p1', 'p3', 'd1']),
          new Set(['p1']),
        );
        const summary = await store.quarantineSummary('job', 'run', 2);
        assert.equal(summary.count, 3);
        assert.equal(summary.sample.length, 2);
      });
    });
  }
});
