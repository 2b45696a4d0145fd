/** Builders for store tests: devices with a content hash computed the way the sync does. */
import { createHash } from 'node:crypto';
import type { DeviceUpsert, InstallationUpsert } from '../../common/domain';

export type DeviceInput = Omit<DeviceUpsert, 'contentHash' | 'kind' | 'deviceType' | 'installations'> &
  Partial<Pick<DeviceUpsert, 'kind' | 'deviceType' | 'installations'>>;

/** A device with every field hashed, like the upsert step builds it. */
export function device(input: DeviceInput): DeviceUpsert {
  const d = { kind: 'computer' as const, deviceType: 'computer', installations: [], ...input };
  const contentHash = createHash('sha256').update(JSON.stringify(d)).digest('hex');
  return { ...d, contentHash };
}

export function install(productId: string, extra: Partial<InstallationUpsert> = {}): InstallationUpsert {
  return {
    productId,
    name: `Product ${productId}`,
    version: '1.0',
    publisher: 'Acme',
    platform: 'Windows',
    ...extra,
  };
}

const hex = (n: number): string => (n & 255).toString(16).padStart(2, '0');

/** `count` computers named pc-<n>, each with `installs` installations. */
export function devices(count: number, installs = 3, prefix = 'dev'): DeviceUpsert[] {
  return Array.from({ length: count }, (_, i) =>
    device({
      sourceId: `${prefix}-${String(i).padStart(5, '0')}`,
      name: `pc-${prefix}-${i}`,
      serialNumber: `SN-${prefix}-${i}`,
      macAddress: `02:00:00:${hex(i >> 16)}:${hex(i >> 8)}:${hex(i)}`,
      installations: Array.from({ length: installs }, (_, j) => install(`p${j}`)),
    }),
  );
}
