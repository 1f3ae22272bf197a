/**
 * `work`, or `late()` thrown once `ms` have passed, whichever comes first. For waits whose
 * own client has no deadline (a pool checkout, a gRPC channel still connecting).
 */
export function withinDeadline<T>(work: Promise<T>, ms: number, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(late()), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
