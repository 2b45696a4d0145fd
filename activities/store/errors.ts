/** Errors of the Navigator store that callers (the CLI) map to messages and exit codes. */
import type { NavigatorKind } from '../../common/domain';

/** No Computer / Hardware record has that name or ID. */
export class RecordNotFoundError extends Error {
  override readonly name = 'RecordNotFoundError';
  readonly code = 'RecordNotFound';
  constructor(
    readonly kind: NavigatorKind,
    readonly nameOrId: string,
  ) {
    super(`no ${kind} record with name or ID "${nameOrId}"`);
  }
}

/** Several records share the name: the user must give the ID. */
export class AmbiguousRecordError extends Error {
  override readonly name = 'AmbiguousRecordError';
  readonly code = 'AmbiguousRecord';
  constructor(
    readonly kind: NavigatorKind,
    readonly nameOrId: string,
    readonly ids: readonly number[],
  ) {
    super(
      `${ids.length} ${kind} records are named "${nameOrId}" (IDs ${ids.join(', ')}): retire one by its ID`,
    );
  }
}
