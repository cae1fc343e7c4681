// Reads of many keys gathered into one statement, per server process: while one read runs, the keys
// asked for meanwhile wait and the next read takes them all. Each key's read starts after it was
// asked for, so nothing older than the request is answered; nothing is kept once answered. On
// PGlite, where every statement of the process takes its turn on one connection, this turns the
// session and workbook lookups of a burst of requests into one statement each.

/** Resolves once the event loop has turned (the I/O callbacks already due have run). */
export function gathered(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class BatchedReads<K, V> {
  private waiting = new Map<K, { resolve: (v: V | undefined) => void; reject: (err: unknown) => void }[]>();
  private running = false;

  /** `fetch` reads the keys given and returns what it found of each (absent = none). */
  constructor(private readonly fetch: (keys: K[]) => Promise<Map<K, V>>) {}

  /** The value of a key as read after this call, or undefined when there is none. */
  read(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const list = this.waiting.get(key);
      if (list) list.push({ resolve, reject });
      else this.waiting.set(key, [{ resolve, reject }]);
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      // The requests that arrived with this one are still on their way here: let them join.
      await gathered();
      while (this.waiting.size) {
        const batch = this.waiting;
        this.waiting = new Map();
        try {
          const found = await this.fetch([...batch.keys()]);
          for (const [key, list] of batch) for (const w of list) w.resolve(found.get(key));
        } catch (err) {
          for (const list of batch.values()) for (const w of list) w.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
