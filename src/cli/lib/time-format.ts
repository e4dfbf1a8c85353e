/** Time as the 1.4 CLI prints it. Local time zone, like Ruby's Time.at. */
const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `mm/dd HH:MM:SS`, or `-` for an unset (0) time. */
export function formatDate(epochSeconds: number, unset = '-'): string {
  if (!epochSeconds) return unset;
  const d = new Date(epochSeconds * 1000);
  return `${pad2(d.getMonth() + 1)}/${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** `DD HH:MM:SS` for a span of seconds (negative spans show as zero). */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86_400);
  return `${pad2(days)} ${pad2(Math.floor((s % 86_400) / 3600))}:${pad2(Math.floor((s % 3600) / 60))}:${pad2(s % 60)}`;
}

/** From start to end, or to `now` while the end is unset (0). */
export const runningTime = (stime: number, etime: number, now: number): string =>
  formatDuration((etime ? etime : now) - stime);
