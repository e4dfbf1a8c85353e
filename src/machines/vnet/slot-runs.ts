/**
 * Compact JSON for "slot s is used by vid v" pairs (slots ascending). Runs of
 * consecutive slots whose vids step by a constant become one quad
 * [gap, length, vidDelta, vidStep]: a network filled in order by VMs created
 * in order is a handful of numbers instead of 65k objects.
 *   gap      = first slot of the run − (last slot of the previous run + 1)
 *   vidDelta = first vid of the run − last vid of the previous run
 */
export function encodeSlotRuns(pairs: Iterable<readonly [slot: number, vid: number]>): number[] {
  const out: number[] = [];
  let runStart = -1;
  let runLength = 0;
  let runFirstVid = 0;
  let runStep = 0;
  let lastSlot = -1;
  let lastVid = 0;
  let prevRunEnd = 0;
  let prevRunLastVid = 0;
  const flush = () => {
    if (runLength === 0) return;
    out.push(runStart - prevRunEnd, runLength, runFirstVid - prevRunLastVid, runStep);
    prevRunEnd = runStart + runLength;
    prevRunLastVid = lastVid;
  };
  for (const [slot, vid] of pairs) {
    const extends_ =
      runLength > 0 && slot === lastSlot + 1 && (runLength === 1 || vid - lastVid === runStep);
    if (extends_) {
      if (runLength === 1) runStep = vid - lastVid;
      runLength++;
    } else {
      flush();
      runStart = slot;
      runLength = 1;
      runFirstVid = vid;
      runStep = 0;
    }
    lastSlot = slot;
    lastVid = vid;
  }
  flush();
  return out;
}

/** Inverse of encodeSlotRuns; calls `visit` for each pair in ascending slot order. */
export function decodeSlotRuns(runs: readonly number[], visit: (slot: number, vid: number) => void): void {
  let prevRunEnd = 0;
  let prevRunLastVid = 0;
  for (let i = 0; i + 3 < runs.length; i += 4) {
    const [gap, length, vidDelta, step] = [runs[i], runs[i + 1], runs[i + 2], runs[i + 3]];
    const start = prevRunEnd + gap;
    const firstVid = prevRunLastVid + vidDelta;
    for (let k = 0; k < length; k++) visit(start + k, firstVid + k * step);
    prevRunEnd = start + length;
    prevRunLastVid = firstVid + (length - 1) * step;
  }
}
