/**
 * What a hostile host page does to the globals the widget shares with it, for unit tests of
 * main-thread code: enumerable methods on Object.prototype and Array.prototype (old toolkits), and
 * a broken String.prototype.trim. Undone when `run` settles; keep `expect` outside it, since the
 * test runner's own code shares these globals too.
 */
export async function onHostilePage<T>(run: () => T | Promise<T>): Promise<T> {
  const trim = String.prototype.trim;
  const polluted = [Object.prototype, Array.prototype] as Array<Record<string, unknown>>;
  for (const prototype of polluted) prototype.extendedByPage = function extendedByPage() {};
  String.prototype.trim = () => '';
  try {
    return await run();
  } finally {
    for (const prototype of polluted) delete prototype.extendedByPage;
    String.prototype.trim = trim;
  }
}
