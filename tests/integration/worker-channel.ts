// Clients whose "worker" answers asynchronously over a message channel, as a real one does
// (Comlink on both ends), for tests in Node.
import * as Comlink from 'comlink';
import { RecalcClient } from '../../src/engine/recalc-client';
import { createRecalcService } from '../../src/engine/recalc-core';

/** Whatever `make` builds, with each Worker it starts being `service` behind a message channel. */
export function withChannelWorker<T>(service: object, make: () => T): T {
  const real = globalThis.Worker;
  globalThis.Worker = class {
    constructor() {
      const { port1, port2 } = new MessageChannel();
      Comlink.expose(service, port2);
      return Object.assign(port1, { terminate: () => port1.close() }) as unknown as Worker;
    }
  } as unknown as typeof Worker;
  try {
    return make();
  } finally {
    globalThis.Worker = real;
  }
}

export function asyncWorkerClient(): RecalcClient {
  return withChannelWorker(createRecalcService(), () => new RecalcClient(true));
}
