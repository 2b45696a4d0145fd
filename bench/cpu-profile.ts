/**
 * Summarise a V8 .cpuprofile (node --cpu-prof) by self time: per package or module (a file of
 * node_modules counts as its package, node's own code as `node:<module>`, ours by file), then the
 * top functions.
 *
 *   node dist/bench/cpu-profile.js FILE.cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a frame's code lives: a package, a node module, a file of ours, or V8's own buckets. */
export function moduleOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : `(${fn || 'anonymous'})`; // (idle), (garbage collector), natives
  if (url.startsWith('node:')) return url;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const dist = url.indexOf('/dist/');
  return dist >= 0 ? url.slice(dist + '/dist/'.length) : url.replace(/^file:\/\//, '');
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' } },
  });
  const top = Number(values.top);
  const p = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const modules = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  let busy = 0;
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const mod = moduleOf(url, functionName);
    total += us;
    if (mod !== '(idle)') busy += us;
    modules.set(mod, (modules.get(mod) ?? 0) + us);
    const fn = `${functionName || '(anonymous)'} ${mod}:${lineNumber + 1}`;
    fns.set(fn, (fns.get(fn) ?? 0) + us);
  }
  const s = (us: number): string => `${(us / 1e6).toFixed(2)} s`;
  const pct = (us: number): string => `${((100 * us) / busy).toFixed(1)} %`;
  console.log(`profile ${s(total)}, not idle ${s(busy)} (percentages of not idle)`);
  const print = (title: string, m: Map<string, number>): void => {
    console.log(`\n${title}`);
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`${s(us).padStart(9)} ${pct(us).padStart(7)}  ${k}`);
  };
  print('self time by package / module', modules);
  print('self time by function', fns);
}

if (require.main === module) main();
