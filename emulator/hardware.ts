/**
 * Operating system and hardware descriptions of a device's snapshots: deterministic per
 * device (hardware does not change across reaudits in the emulator).
 */
import { S, type Inventory } from './inventory';
import { hash3 } from './prng';

export interface OsModel {
  name: string;
  version: string;
  platform?: string;
}

export interface HardwareModel {
  manufacturer: string;
  model: string;
  cpu: string;
  ramMb: number;
  disks: { name: string; sizeGb: number; type: string }[];
}

type Choice<T> = readonly T[];

const OS: Record<string, Choice<[string, string]>> = {
  Windows: [
    ['Microsoft Windows 11 Pro', '10.0.22631'],
    ['Microsoft Windows 10 Enterprise', '10.0.19045'],
    ['Microsoft Windows Server 2022 Standard', '10.0.20348'],
  ],
  Linux: [
    ['Ubuntu 22.04.4 LTS', '22.04'],
    ['Red Hat Enterprise Linux 9.4', '9.4'],
    ['Debian GNU/Linux 12', '12.5'],
  ],
  macOS: [
    ['macOS Sonoma', '14.5'],
    ['macOS Ventura', '13.6.7'],
  ],
  printer: [
    ['HP FutureSmart', '5.7.1'],
    ['Brother Firmware', '1.32'],
  ],
  'network-device': [
    ['Cisco IOS XE', '17.9.4'],
    ['ArubaOS-CX', '10.13'],
  ],
  'vmware-esxi': [['VMware ESXi', '8.0.2']],
};

const HW: Record<string, Choice<[string, string, string, number]>> = {
  Windows: [
    ['Dell Inc.', 'Latitude 5440', 'Intel(R) Core(TM) i7-1365U', 16384],
    ['HP', 'EliteBook 840 G10', 'Intel(R) Core(TM) i5-1345U', 16384],
    ['LENOVO', 'ThinkCentre M70q Gen 4', 'Intel(R) Core(TM) i5-13400T', 8192],
  ],
  Linux: [
    ['Dell Inc.', 'PowerEdge R650', 'Intel(R) Xeon(R) Silver 4314', 65536],
    ['QEMU', 'Standard PC (Q35 + ICH9, 2009)', 'AMD EPYC 7763', 8192],
  ],
  macOS: [
    ['Apple Inc.', 'MacBook Pro (14-inch, 2023)', 'Apple M2 Pro', 32768],
    ['Apple Inc.', 'MacBook Air (M2, 2022)', 'Apple M2', 16384],
  ],
  printer: [
    ['HP', 'LaserJet Enterprise M507', 'ARM Cortex-A9', 512],
    ['Brother', 'HL-L6210DW', 'ARM', 256],
  ],
  'network-device': [
    ['Cisco Systems', 'Catalyst 9300-48P', 'ARM Cortex-A53', 8192],
    ['Aruba', '6300M', 'ARM', 4096],
  ],
  'vmware-esxi': [['Dell Inc.', 'PowerEdge R750', 'Intel(R) Xeon(R) Gold 6338', 524288]],
  other: [['Generic', 'Embedded Device', 'Unknown', 256]],
};

function choose<T>(list: Choice<T> | undefined, draw: number): T | undefined {
  return list && list.length > 0 ? list[draw % list.length] : undefined;
}

/** The OS of a device's snapshots; platform only where the sync's platform option applies. */
export function osOf(g: Inventory, index: number): OsModel | undefined {
  const type = g.typeOf(index);
  const platform = g.platformOf(index);
  const key = g.isComputer(index) ? (platform ?? 'Windows') : type;
  const entry = choose(OS[key], hash3(g.seed, index, S.os));
  if (!entry) return undefined;
  return platform === undefined
    ? { name: entry[0], version: entry[1] }
    : { name: entry[0], version: entry[1], platform };
}

export function hardwareOf(g: Inventory, index: number): HardwareModel {
  const type = g.typeOf(index);
  const key = g.isComputer(index) ? (g.platformOf(index) ?? 'Windows') : type in HW ? type : 'other';
  const h = hash3(g.seed, index, S.hw);
  const entry = choose(HW[key], h) ?? ['Generic', 'Unknown', 'Unknown', 0];
  const disks = !g.isComputer(index)
    ? []
    : key === 'macOS'
      ? [{ name: 'Macintosh HD', sizeGb: 512 * (1 + ((h >>> 8) % 2)), type: 'SSD' }]
      : [
          {
            name: key === 'Windows' ? 'C:' : '/dev/nvme0n1',
            sizeGb: 256 * (1 + ((h >>> 8) % 4)),
            type: 'SSD',
          },
        ];
  return { manufacturer: entry[0], model: entry[1], cpu: entry[2], ramMb: entry[3], disks };
}
