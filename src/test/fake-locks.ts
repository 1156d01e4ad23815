/**
 * navigator.locks for tests, shared by the "tabs" of one test: named locks, granted in request order,
 * any number of holders in shared mode or one in exclusive mode, released when the callback settles.
 */
import type { Locks } from '../conversation/session-sync';

export function fakeLocks(): Locks & { held(): string[]; idle(): boolean } {
  type Waiter = { mode: 'shared' | 'exclusive'; grant: () => void };
  const state = new Map<string, { holders: Array<'shared' | 'exclusive'>; queue: Waiter[] }>();
  const entry = (name: string) => {
    let found = state.get(name);
    if (!found) state.set(name, (found = { holders: [], queue: [] }));
    return found;
  };
  const pump = (name: string) => {
    const lock = entry(name);
    while (lock.queue.length > 0) {
      const next = lock.queue[0]!;
      const free = lock.holders.length === 0 || (next.mode === 'shared' && lock.holders.every((mode) => mode === 'shared'));
      if (!free) return;
      lock.queue.shift();
      lock.holders.push(next.mode);
      next.grant();
    }
  };
  return {
    request<T>(name: string, options: { mode: 'shared' | 'exclusive' }, callback: () => Promise<T>): Promise<T> {
      return new Promise<void>((grant) => {
        entry(name).queue.push({ mode: options.mode, grant });
        pump(name);
      }).then(() =>
        Promise.resolve()
          .then(callback)
          .finally(() => {
            const lock = entry(name);
            lock.holders.splice(lock.holders.indexOf(options.mode), 1);
            pump(name);
          }),
      );
    },
    held: () => [...state.entries()].filter(([, lock]) => lock.holders.length > 0).map(([name]) => name),
    /** No lock is held or asked for: no turn is in progress in any tab that uses these locks. */
    idle: () => [...state.values()].every((lock) => lock.holders.length === 0 && lock.queue.length === 0),
  };
}
