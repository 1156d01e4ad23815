/** A tiny typed event emitter; listeners that throw are reported, never allowed to break a turn. */
export type Listener<T> = (payload: T) => void;

export interface Emitter<Events extends object> {
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void;
  emit<K extends keyof Events>(event: K, payload: Events[K]): void;
  clear(): void;
}

export function createEmitter<Events extends object>(): Emitter<Events> {
  const listeners = new Map<keyof Events, Set<Listener<never>>>();
  return {
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as Listener<never>);
      return () => set.delete(listener as Listener<never>);
    },
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) {
        try {
          (listener as Listener<typeof payload>)(payload);
        } catch (error) {
          console.error(`[parley] a "${String(event)}" listener threw:`, error);
        }
      }
    },
    clear() {
      listeners.clear();
    },
  };
}
