/**
 * Worker slots for the timeline: each interval, in start order, takes the lowest slot free at its
 * start. A slot freed at the same millisecond another interval starts is free for it (one agent
 * handed its slot to the next), so the number of slots used equals the peak of intervals open at
 * once and never exceeds the bound the scheduler kept.
 */
export function assignSlots(intervals: readonly { start: number; end: number }[]): number[] {
  const order = intervals
    .map((interval, index) => ({ interval, index }))
    .sort((a, b) => a.interval.start - b.interval.start || a.interval.end - b.interval.end);
  const slots = new Array<number>(intervals.length).fill(0);
  // busyUntil[slot]: when the interval holding it ends.
  const busyUntil: number[] = [];
  for (const { interval, index } of order) {
    let slot = busyUntil.findIndex((end) => end <= interval.start);
    if (slot === -1) slot = busyUntil.length;
    busyUntil[slot] = interval.end;
    slots[index] = slot;
  }
  return slots;
}
