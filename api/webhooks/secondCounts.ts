/**
 * Counts per absolute second (`Math.floor(ms / 1000)`) for the last `size` seconds, in a ring
 * reused as time moves on: a second that has fallen out of the ring reads 0. Memory is `size`
 * pairs of numbers, whatever the load.
 */
export function createSecondCounts(size: number) {
  const bucketSecond = new Array<number>(size).fill(-1);
  const bucketCount = new Array<number>(size).fill(0);
  return {
    add(second: number): void {
      const i = second % size;
      if (bucketSecond[i] !== second) {
        bucketSecond[i] = second;
        bucketCount[i] = 0;
      }
      bucketCount[i]++;
    },
    get(second: number): number {
      return bucketSecond[second % size] === second ? bucketCount[second % size] : 0;
    },
  };
}
