/**
 * Named points where a crash test can kill this process with SIGKILL, at
 * the exact moment that matters (after a page is committed, between a
 * run's close and its alert pass): `OTCWATCH_FAILPOINT=after-close`.
 * `after-page:N` kills after the N-th committed page. Unset, it costs one
 * property read.
 */
export function failpoint(name: string): void {
  const armed = process.env.OTCWATCH_FAILPOINT;
  if (!armed) return;
  const [point, countText] = armed.split(':');
  if (point !== name) return;
  const count = (hits.get(name) ?? 0) + 1;
  hits.set(name, count);
  if (countText === undefined || count >= Number(countText)) process.kill(process.pid, 'SIGKILL');
}

const hits = new Map<string, number>();
