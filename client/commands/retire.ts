/** `retire <computer|hardware> <nameOrId>`: what a Navigator user does to retire a record. */
import { Command } from 'commander';
import type { SyncConfig } from '../../ops/config';
import { UsageError } from '../../activities/failures';
import { print, withStore } from '../session';

export function retireCommand(config: () => Promise<SyncConfig>): Command {
  return new Command('retire')
    .description(
      'retire a Computer or Hardware record (the next run deletes its AlloyScan device when the job says delete)',
    )
    .argument('<kind>', 'computer or hardware')
    .argument('<nameOrId>', 'record name or numeric ID')
    .option('--json', 'print the retired record as JSON')
    .action(async (kind: string, nameOrId: string, o: { json?: boolean }) => {
      if (kind !== 'computer' && kind !== 'hardware')
        throw new UsageError(`kind must be computer or hardware, not "${kind}"`);
      const { AmbiguousRecordError, RecordNotFoundError } = await import('../../activities/store/index.js');
      try {
        const rec = await withStore(await config(), (store) =>
          store.retire(kind, nameOrId, new Date().toISOString()),
        );
        print(rec, o.json, (r) => [
          `retired ${kind} #${r.recordId} ${r.name ?? ''} (AlloyScan device ${r.sourceId})`,
        ]);
      } catch (err) {
        if (err instanceof AmbiguousRecordError || err instanceof RecordNotFoundError)
          throw new UsageError(err.message);
        throw err;
      }
    });
}
