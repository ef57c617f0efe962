import { readdirSync, readFileSync } from 'node:fs';

/**
 * Memory of a process and all its descendants, in bytes, read from Linux's
 * /proc; null where there is no /proc (macOS) or the process is gone.
 * Chromium is a tree (browser → zygote → renderers, GPU, network service),
 * and a leak shows up in any of them, so the whole tree counts.
 *
 * - `'rss'`: resident set size (`VmRSS`). Pages shared between processes —
 *   Chromium's code, mapped by every one of them — count in each, so the sum
 *   overstates the tree about threefold. Cheap: fine to sample often.
 * - `'pss'`: proportional set size (`smaps_rollup`, Linux ≥ 4.14): each
 *   shared page is split among its sharers, so the sum is what the tree
 *   really costs. About 1 ms per process; what the browser pool bounds.
 *
 * Synchronous on purpose: a few hundred tiny /proc reads take a few ms, less
 * than the round trips through libuv's thread pool that async reads cost.
 *
 * @example
 * processTreeMemory(process.pid, 'rss'); // 1_012_459_520: this Node process with every browser it launched
 * processTreeMemory(browserPid, 'pss');  // 380_000_256
 */
export function processTreeMemory(rootPid: number, measure: 'rss' | 'pss'): number | null {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return null;
  }
  const children = new Map<number, number[]>();
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = parentOf(name);
    if (ppid === null) continue;
    const siblings = children.get(ppid);
    if (siblings) siblings.push(Number(name));
    else children.set(ppid, [Number(name)]);
  }
  const read = measure === 'rss' ? rssBytesOf : pssBytesOf;
  let total: number | null = null;
  const pending = [rootPid];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    const bytes = read(pid);
    if (bytes !== null) total = (total ?? 0) + bytes;
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Field 4 (ppid) of /proc/<pid>/stat; null when the process ended meanwhile. */
function parentOf(pid: string): number | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses; after its
  // closing parenthesis come state (field 3) and ppid (field 4).
  return Number(text.slice(text.lastIndexOf(')') + 2).split(' ', 2)[1]);
}

/** kB figures in /proc are KiB whatever the page size; null for a zombie or a gone process. */
function kibField(file: string, field: string): number | null {
  try {
    const kib = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(file, 'latin1'))?.[1];
    return kib === undefined ? null : Number(kib) * 1024;
  } catch {
    return null;
  }
}

function rssBytesOf(pid: number): number | null {
  return kibField(`/proc/${pid}/status`, 'VmRSS');
}

function pssBytesOf(pid: number): number | null {
  return kibField(`/proc/${pid}/smaps_rollup`, 'Pss');
}
